package certification

import (
	"context"
	"crypto/cipher"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// Service is the domain's entry point. Its exported methods open and own
// their transaction; unexported helpers take the *gorm.DB of that
// transaction. Its configuration is fixed by NewService: nothing swaps it
// while requests run.
type Service struct {
	db  *DB
	opt Options
	// dummyHash is compared against when the identifiant is unknown; it has
	// the cost of the real hashes, so that a login takes the same work
	// whether or not the account exists.
	dummyHash []byte
	hashes    *hashGate
	// totpAEAD seals the second factors' secrets (nil without
	// Options.CleTOTP); ticketKey signs the sign-in tickets.
	totpAEAD  cipher.AEAD
	ticketKey []byte
}

// Options configure a Service. Now, Parametres and Renderer are required;
// the others have production defaults.
type Options struct {
	// Now is the clock. Tests pass a fixed or controlled one.
	Now func() time.Time
	// Parametres are the rule parameters in force, loaded from the fixtures.
	Parametres *rules.Parametres
	// Renderer lays documents out.
	Renderer Renderer
	// PublicURL prefixes the verification URL printed on documents. It must
	// be https for documents to be issued, unless AllowHTTPPublicURL.
	PublicURL string
	// AllowHTTPPublicURL lets documents be issued with an http PublicURL:
	// for the demo on localhost and for tests only. An issued document
	// prints its verification link forever; in production it must be https.
	AllowHTTPPublicURL bool
	// Sceau seals issued documents. Without it, documents are not
	// issued: every issued document carries the authority's seal.
	Sceau Sceau
	// BcryptCost is the password hashing cost; 0 means bcrypt.DefaultCost+2.
	// Tests lower it.
	BcryptCost int
	// TokenTTL is how long a bearer token lives; 0 means 8 hours.
	TokenTTL time.Duration
	// HashSlots bounds the password hashes run at once; 0 means one per
	// core (GOMAXPROCS). HashWait is how long a login waits for a slot
	// before it is refused with ErrOverloaded; 0 means 3 seconds.
	HashSlots int
	HashWait  time.Duration
	// HashHook, when set, runs before each password hash, inside its slot.
	// Tests use it to observe the bound.
	HashHook func()
	// Jobs enqueues background work (e-mails, reminders) in the service's
	// transactions; nil drops it, for tools and tests that run no queue.
	Jobs Jobs
	// Conservation is the retention table the scheduled purge applies
	// (AppliquerConservation); nil leaves every record as it is.
	Conservation Conservation
	// TOTPObligatoire requires a second factor of the administrator and
	// autorité accounts: until one is enrolled, such an account may only
	// enrol it (CIPCERT_TOTP_OBLIGATOIRE=1).
	TOTPObligatoire bool
	// CleTOTP, 32 bytes, seals the second factors' secrets in the
	// database (CIPCERT_TOTP_CLE); without it they are stored as is.
	CleTOTP []byte
}

// NewService returns a Service on db. It fails, naming every missing
// option at once, when the clock, the rule parameters or the renderer is
// not set: a service without them would only fail later, mid-request.
func NewService(db *DB, opt Options) (*Service, error) {
	var missing []string
	if db == nil {
		missing = append(missing, "database")
	}
	if opt.Now == nil {
		missing = append(missing, "Now (clock)")
	}
	if opt.Parametres == nil {
		missing = append(missing, "Parametres (rule parameters)")
	}
	if opt.Renderer == nil {
		missing = append(missing, "Renderer (document renderer)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("certification.NewService: missing %s", strings.Join(missing, ", "))
	}
	if opt.BcryptCost == 0 {
		opt.BcryptCost = bcrypt.DefaultCost + 2
	}
	if opt.Jobs == nil {
		opt.Jobs = noJobs{}
	}
	if opt.TokenTTL == 0 {
		opt.TokenTTL = 8 * time.Hour
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("cipcert-compte-inexistant"), opt.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("certification.NewService: bcrypt cost %d: %w", opt.BcryptCost, err)
	}
	aead, ticketKey, err := newTOTPKeys(opt.CleTOTP)
	if err != nil {
		return nil, fmt.Errorf("certification.NewService: %w", err)
	}
	return &Service{db: db, opt: opt, dummyHash: dummy, hashes: newHashGate(opt.HashSlots, opt.HashWait, opt.HashHook),
		totpAEAD: aead, ticketKey: ticketKey}, nil
}

// WithClock returns a service identical to s but reading the time from
// now; s itself is unchanged. The demo seed uses it to write past events
// at the time they happened.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.opt.Now = now
	return &c
}

// DB returns the database the service works on.
func (s *Service) DB() *DB { return s.db }

// Now returns the service clock's current time, in UTC.
func (s *Service) Now() time.Time { return s.opt.Now().UTC() }

func (s *Service) now() time.Time { return s.Now() }

// Sceau returns the seal of issued documents, nil when none is configured.
func (s *Service) Sceau() Sceau { return s.opt.Sceau }

// PublicURL returns the address printed in documents' verification links;
// the interface sets Secure cookies when it is https.
func (s *Service) PublicURL() string { return s.opt.PublicURL }

func (s *Service) today() Date { return DateOf(s.now()) }

// inTx runs fn in a transaction, committed if fn returns nil. fn's errors
// come back as fn returned them; a transaction that could not begin or
// commit says so.
func (s *Service) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	// What fn changed that the statistics count is counted again at its
	// end, in the same transaction (statistiques_sommaire.go).
	ctx, rc := avecRecompte(ctx)
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return rc.appliquer(tx)
	})
}

// transaction is inTx without the statistics' recount, for a write that
// changes nothing they count.
func (s *Service) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var fnErr error
	// What fn changed that a process keeps a copy of is announced in the
	// transaction and forgotten here once it has ended (invalidation.go).
	ctx, ai := avecInvalidations(ctx)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if fnErr = fn(tx); fnErr == nil {
			fnErr = ai.annoncer(tx, s.db.invalidation)
		}
		return fnErr
	})
	if fnErr == nil {
		// Even when the commit failed: it may have happened, and
		// forgetting too much only costs a read.
		ai.invaliderIci(s.db.invalidation)
	}
	if err != nil && fnErr == nil {
		return wrap(err, "transaction: begin or commit")
	}
	return err
}

// writeThenRead runs write in a transaction and builds the answer with read
// in the same transaction, after the writes: the answer is what the
// transaction wrote. Read after the commit instead, a database lost in
// between would turn a committed write into an error the client retries,
// and the retry would meet the version it had just written.
func writeThenRead[T any](s *Service, ctx context.Context, write func(tx *gorm.DB) error, read func(tx *gorm.DB) (T, error)) (T, error) {
	var out T
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := write(tx); err != nil {
			return err
		}
		var err error
		out, err = read(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// read returns a session for read-only work outside a transaction.
// On SQLite it is a read-only connection, which a running write
// transaction does not block.
func (s *Service) read(ctx context.Context) *gorm.DB { return s.db.forRead().WithContext(ctx) }

// write returns a session for one write statement outside a transaction.
func (s *Service) write(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Role is what an account may do (docs/domaine.md §2).
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"
	RoleAutorite Role = "autorite"
	RoleCentre   Role = "centre"
	RoleJury     Role = "jury"
	RoleCandidat Role = "candidat"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleAutorite, RoleCentre, RoleJury, RoleCandidat}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Acteur is the authenticated account on whose behalf a method runs.
type Acteur struct {
	UtilisateurID string
	Identifiant   string
	Nom           string
	Role          Role
	CentreID      string // set for RoleCentre
	CandidatID    string // set for RoleCandidat
	// Territoire is where a RoleAutorite account acts.
	Territoire Territoire
	// SecondFacteurAActiver is set when the second factor is required
	// (Options.TOTPObligatoire) and this account has not enrolled one:
	// it may do nothing else until it has.
	SecondFacteurAActiver bool
}

// Territoire is where an autorité account is competent (DOMAIN §6 bis): a
// DREETS for its region, a DDETS for its départements. It acts only on the
// sessions, candidats and documents of the centres in it.
type Territoire struct {
	// Autorite names the authority, as printed on documents: "DREETS
	// Auvergne-Rhône-Alpes", "DDETS du Rhône".
	Autorite     string
	Region       string
	Departements []string
}

func territoireOf(autorite, region, departements string) Territoire {
	t := Territoire{Autorite: autorite, Region: region}
	if departements != "" {
		t.Departements = strings.Split(departements, ",")
	}
	return t
}

// centresDu returns a subquery of the ids of the centres in an autorité's
// territory; none for an account without a territory.
func centresDu(db *gorm.DB, t Territoire) *gorm.DB {
	q := db.Session(&gorm.Session{NewDB: true}).Table("centres").Select("id")
	switch {
	case len(t.Departements) > 0:
		return q.Where("departement IN ?", t.Departements)
	case t.Region != "":
		return q.Where("region = ?", t.Region)
	}
	return q.Where("1 = 0")
}

// Is reports whether the actor has one of the roles.
func (a Acteur) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

func forbidden() *Error {
	return Errorf(ErrForbidden, "acces_refuse", "Votre rôle ne permet pas cette action.")
}

// imprimable reports, as a field error, text that documents could not print:
// a name is printed on the parchemin exactly as registered.
func (s *Service) imprimable(field, value string) *FieldError {
	if value == "" {
		return nil
	}
	bad := s.opt.Renderer.Unsupported(value)
	if len(bad) == 0 {
		return nil
	}
	return &FieldError{Field: field, Code: "caractere_non_imprimable", Message: fmt.Sprintf(
		"Caractères impossibles à imprimer sur les documents : %q. Écrivez en caractères latins, comme sur la pièce d'identité.", string(bad))}
}

// imprimables checks several names or places at once: the characters a
// name may hold (checkNom), then whether documents can print them.
func (s *Service) imprimables(fields ...string) []FieldError {
	var out []FieldError
	for i := 0; i+1 < len(fields); i += 2 {
		fe := checkNom(fields[i], fields[i+1])
		if fe == nil {
			fe = s.imprimable(fields[i], fields[i+1])
		}
		if fe != nil {
			out = append(out, *fe)
		}
	}
	return out
}
