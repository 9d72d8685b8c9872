package certification

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// Service is the domain's entry point. Its exported methods open and own
// their transaction; unexported helpers take the *gorm.DB of that
// transaction.
type Service struct {
	db *DB
	// Now is the clock; tests replace it.
	Now func() time.Time
	// BcryptCost is the password hashing cost; tests lower it.
	BcryptCost int
	// TokenTTL is how long a bearer token lives.
	TokenTTL time.Duration
	// Parametres are the rule parameters in force, loaded from the fixtures.
	Parametres *rules.Parametres
	// Renderer lays documents out; PublicURL prefixes their verification URL.
	Renderer  Renderer
	PublicURL string
}

// NewService returns a Service on db with production defaults.
func NewService(db *DB) *Service {
	return &Service{
		db:         db,
		Now:        func() time.Time { return time.Now().UTC() },
		BcryptCost: bcrypt.DefaultCost + 2,
		TokenTTL:   8 * time.Hour,
	}
}

// DB returns the database the service works on.
func (s *Service) DB() *DB { return s.db }

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) today() Date { return DateOf(s.now()) }

// inTx runs fn in a transaction, committed if fn returns nil.
func (s *Service) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// read returns a session for read-only work outside a transaction.
func (s *Service) read(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

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
	if s.Renderer == nil || value == "" {
		return nil
	}
	bad := s.Renderer.Unsupported(value)
	if len(bad) == 0 {
		return nil
	}
	return &FieldError{Field: field, Code: "caractere_non_imprimable", Message: fmt.Sprintf(
		"Caractères impossibles à imprimer sur les documents : %q. Écrivez en caractères latins, comme sur la pièce d'identité.", string(bad))}
}

// imprimables checks several fields at once.
func (s *Service) imprimables(fields ...string) []FieldError {
	var out []FieldError
	for i := 0; i+1 < len(fields); i += 2 {
		if fe := s.imprimable(fields[i], fields[i+1]); fe != nil {
			out = append(out, *fe)
		}
	}
	return out
}
