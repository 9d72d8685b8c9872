package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"

	"github.com/cipcert/cipcert/certification/texte"
)

// StatutSession is a step of a session's lifecycle (docs/domaine.md §5).
type StatutSession string

// The lifecycle: planifiée → déclarée → tenue → délibérée → validée, or annulée.
const (
	Planifiee StatutSession = "planifiee"
	Declaree  StatutSession = "declaree"
	Tenue     StatutSession = "tenue"
	Deliberee StatutSession = "deliberee"
	Validee   StatutSession = "validee"
	Annulee   StatutSession = "annulee"
)

var libelleStatut = map[StatutSession]string{
	Planifiee: "planifiée", Declaree: "déclarée", Tenue: "tenue", Deliberee: "délibérée", Validee: "validée", Annulee: "annulée",
}

// Session is a jury session held by a centre for a titre version.
type Session struct {
	ID          string
	Reference   string
	CentreID    string
	VersionID   string
	VersionCode string
	TitreCode   string
	Type        string
	Debut       Date
	Fin         Date
	Lieu        string
	Responsable string
	// Heure is when candidats are convened on the first day ("09:00"),
	// empty until the centre gives it.
	Heure string
	// NumeroCeres is the number the ministry's CERES system gave the
	// session, and CeresDeclareeLe the day the centre declared it there to
	// the DREETS; empty and nil until the centre records them.
	NumeroCeres     string
	CeresDeclareeLe *Date
	Statut          StatutSession
	MotifAnnulation string
	// MotifRegularisation is the autorité's reason for a declaration
	// recorded after the session began; empty otherwise.
	MotifRegularisation string
	DeclareeAt          *time.Time
	TenueAt             *time.Time
	DelibereeAt         *time.Time
	ValideeAt           *time.Time
	ValideePar          *string
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
	CCP                 []string
	Jury                []MembreSession
}

// MembreSession is a jury member of a session and its signature of the PV.
type MembreSession struct {
	MembreID string
	Nom      string
	Prenoms  string
	SigneAt  *time.Time
}

// NouvelleSession is the input of CreateSession.
type NouvelleSession struct {
	VersionCode string
	Type        string
	// CCP lists the blocs the session covers; empty means all the CCP of the
	// version for a session titre.
	CCP         []string
	Debut, Fin  Date
	Lieu        string
	Responsable string
	Jury        []string // member ids
}

// CreateSession plans a session for the acting centre. Returns ErrInvalid
// when the version, blocs, dates or jury do not fit.
func (s *Service) CreateSession(ctx context.Context, a Acteur, in NouvelleSession) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	in.Lieu, in.Responsable = texte.NFC(in.Lieu), texte.NFC(in.Responsable)
	if fe := s.imprimables("lieu", in.Lieu, "responsable", in.Responsable); len(fe) > 0 {
		return nil, Invalid("session_invalide", "Le lieu ou le responsable ne peut pas être imprimé sur le PV.", fe...)
	}
	id := newID()
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		v, titre, err := findVersionByCode(tx, in.VersionCode)
		if err != nil {
			return err
		}
		if v == nil {
			return Invalid("version_inconnue", "Version de titre inconnue.",
				FieldError{"version_code", "inconnu", "Aucune version de titre n'a le code " + in.VersionCode + "."})
		}
		if in.Fin.Before(in.Debut) {
			return Invalid("session_invalide", "La fin de la session précède son début.",
				FieldError{"fin", "avant_debut", "La date de fin précède la date de début."})
		}
		blocs, err := sessionBlocs(*v, in.Type, in.CCP)
		if err != nil {
			return err
		}
		if err := verifierAgrement(tx, a.CentreID, titre, in.Debut, in.Fin, "version_code"); err != nil {
			return err
		}
		now := s.now()
		row := sessionRow{ID: id, Reference: fmt.Sprintf("S-%d-%s", in.Debut.Time().Year(), strings.ToUpper(id[len(id)-8:])),
			CentreID: a.CentreID, VersionID: v.ID, Type: in.Type, Debut: in.Debut, Fin: in.Fin, Lieu: in.Lieu,
			Responsable: in.Responsable, Statut: Planifiee, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := insertSession(tx, row, blocs); err != nil {
			return err
		}
		if err := setJury(tx, id, in.Jury); err != nil {
			return err
		}
		ccp := make([]string, len(blocs))
		for i, b := range blocs {
			ccp[i] = b.Code
		}
		return s.journal(tx, a, audit{action: "session_creee", objet: "session", objetID: id, sessionID: id,
			apres: snapshotNouvelleSession(in, ccp)})
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// verifierAgrement refuses session dates no agrément of the centre for the
// titre covers, on the given field.
func verifierAgrement(tx *gorm.DB, centreID string, titre *Titre, debut, fin Date, field string) error {
	agrees, err := countAgrements(tx, centreID, titre.ID, debut, fin)
	if err != nil {
		return err
	}
	if agrees == 0 {
		return Invalid("centre_non_agree", "Le centre n'est pas agréé pour ce titre aux dates de la session.",
			FieldError{field, "centre_non_agree", fmt.Sprintf("Aucun agrément du centre pour le titre %s ne couvre le %s au %s.", titre.Code, debut.Francais(), fin.Francais())})
	}
	return nil
}

// sessionBlocs resolves the blocs a session covers from its type.
func sessionBlocs(v Version, typ string, codes []string) ([]Bloc, error) {
	nature := "ccp"
	switch typ {
	case "titre", "ccp":
	case "ccs":
		nature = "ccs"
	default:
		return nil, Invalid("session_invalide", "Type de session inconnu.", FieldError{"type", "inconnu", "Valeurs admises : titre, ccp, ccs."})
	}
	if typ == "titre" && len(codes) == 0 {
		for _, b := range v.Blocs {
			if b.Nature == "ccp" {
				codes = append(codes, b.Code)
			}
		}
	}
	if len(codes) == 0 {
		return nil, Invalid("session_invalide", "Une session doit couvrir au moins un bloc.",
			FieldError{"ccp", "requis", "Indiquez les blocs évalués lors de la session."})
	}
	var out []Bloc
	seen := map[string]bool{}
	for i, c := range codes {
		b, ok := v.Bloc(c)
		if !ok || b.Nature != nature || seen[c] {
			return nil, Invalid("session_invalide", "Bloc inconnu ou répété.",
				FieldError{fieldIndex("ccp", i, "code"), "inconnu", fmt.Sprintf("La version %s n'a pas de %s %s, ou il est répété.", v.Code, strings.ToUpper(nature), c)})
		}
		seen[c] = true
		out = append(out, b)
	}
	if typ == "titre" {
		n := 0
		for _, b := range v.Blocs {
			if b.Nature == "ccp" {
				n++
			}
		}
		if len(out) != n {
			return nil, Invalid("session_invalide", "Une session titre couvre tous les CCP de la version.",
				FieldError{"ccp", "incomplet", "Une session titre évalue tous les CCP ; choisissez une session CCP pour une partie d'entre eux."})
		}
	}
	return out, nil
}

func setJury(tx *gorm.DB, sessionID string, membres []string) error {
	seen := map[string]bool{}
	for i, m := range membres {
		if seen[m] {
			return Invalid("jury_invalide", "Un membre figure deux fois dans le jury.", FieldError{fieldIndex("jury", i, "id"), "doublon", "Membre répété."})
		}
		seen[m] = true
		ok, err := membreExists(tx, m)
		if err != nil {
			return err
		}
		if !ok {
			return Invalid("jury_invalide", "Membre de jury inconnu.", FieldError{fieldIndex("jury", i, "id"), "inconnu", "Aucun membre de jury n'a cet identifiant."})
		}
		if err := insertSessionJury(tx, sessionID, m); err != nil {
			return err
		}
	}
	return nil
}

// Session returns a session the actor may see: its centre's, the ones a
// jury member sits on, any for the autorité. Returns ErrNotFound otherwise.
func (s *Service) Session(ctx context.Context, a Acteur, id string) (*Session, error) {
	return findSession(s.read(ctx), a, id)
}

// Sessions lists the sessions the actor may see, most recent first.
func (s *Service) Sessions(ctx context.Context, a Acteur) ([]Session, error) {
	db := s.read(ctx)
	q, err := scopeSessions(db, a)
	if err != nil {
		return nil, err
	}
	ss, err := listSessions(q.Order("s.debut DESC, s.id").Limit(500))
	if err != nil {
		return nil, wrap(err, "sessions of %s %s: list", a.Role, a.UtilisateurID)
	}
	return ss, loadSessionDetails(db, ss)
}

// transition moves a session from one of the statuses from to the status
// of to, with what to records besides, atomically: of two concurrent
// attempts, one sees ErrConflict.
func (s *Service) transition(tx *gorm.DB, a Acteur, sess *Session, to sessionEtat, from ...StatutSession) error {
	if !contains(from, sess.Statut) {
		return Errorf(ErrConflict, "transition_interdite", "La session est %s : elle ne peut pas passer à l'état %s.",
			libelleStatut[sess.Statut], libelleStatut[to.Statut])
	}
	to.Version = sess.Version + 1
	// A recording in flight finishes first, and none starts on the old
	// status: recordings do not lock the session's row (lockSession).
	if err := lockSession(tx, sess.ID, lockExclusive); err != nil {
		return err
	}
	ok, err := updateSessionStatut(tx, sess.ID, sess.Statut, sess.Version, to, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(ErrConflict, "transition_concurrente", "La session a changé d'état entre-temps : relisez-la.")
	}
	return s.journal(tx, a, audit{action: "session_" + string(to.Statut), objet: "session", objetID: sess.ID, sessionID: sess.ID,
		avant: sessionEtat{Statut: sess.Statut, Version: sess.Version}, apres: to})
}

// DeclarerSession sends a planned session to the représentant territorial,
// before its first day (DOMAIN §6 bis): a session already begun is refused
// with declaration_tardive, and only the autorité regularises it
// (RegulariserDeclaration). The jury must have the minimum size, each member
// habilitated for the titre over the whole session. The centre of the
// session only.
func (s *Service) DeclarerSession(ctx context.Context, a Acteur, id string) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	return s.declarer(ctx, a, id, "")
}

// RegulariserDeclaration records, with a reason, the declaration of a
// planned session whose first day is past: a régularisation by the
// autorité, kept in the trail. Autorité only.
func (s *Service) RegulariserDeclaration(ctx context.Context, a Acteur, id, motif string) (*Session, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if strings.TrimSpace(motif) == "" {
		return nil, Invalid("motif_requis", "La régularisation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la déclaration tardive."})
	}
	return s.declarer(ctx, a, id, motif)
}

// declarer declares a session: on time without a reason, late with one.
func (s *Service) declarer(ctx context.Context, a Acteur, id, motifTardif string) (*Session, error) {
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := findSession(tx, a, id)
		if err != nil {
			return err
		}
		if sess.Statut == Planifiee {
			late := sess.Debut.Before(s.today())
			switch {
			case late && motifTardif == "":
				return Invalid("declaration_tardive", "La session a commencé : seule l'autorité peut en régulariser la déclaration, avec un motif.",
					FieldError{"debut", "passe", fmt.Sprintf("La session a commencé le %s ; une session se déclare avant son premier jour.", sess.Debut.Francais())})
			case !late && motifTardif != "":
				return Errorf(ErrConflict, "regularisation_inutile", "La session commence le %s : le centre la déclare lui-même, sans régularisation.", sess.Debut.Francais())
			}
		}
		if err := s.checkJury(tx, sess); err != nil {
			return err
		}
		now := s.now()
		if err := s.transition(tx, a, sess, sessionEtat{Statut: Declaree, DeclareeAt: &now, MotifRegularisation: motifTardif}, Planifiee); err != nil {
			return err
		}
		// Declared, the session confirms its enrolments: each candidat is
		// convened, unless the session began already (a régularisation).
		if sess.Debut.Before(s.today()) {
			return nil
		}
		ids, err := idsConvoques(tx, id)
		if err != nil {
			return err
		}
		return s.enqueueConvocations(tx, ids...)
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// checkJury checks that a session's jury has the minimum size, each member
// habilitated for the titre over the whole session. Both are rules (R338-6,
// the minimum a rule parameter), refused with ErrInvalid as the rule
// engine's jury check is: a declaration waits for the jury to be complete.
func (s *Service) checkJury(tx *gorm.DB, sess *Session) error {
	min, p, err := s.param(rules.CleJuryTailleMin, sess.Debut)
	if err != nil {
		return err
	}
	if len(sess.Jury) < min {
		return Errorf(ErrInvalid, "jury_incomplet", "Le jury compte %d membre(s) ; il en faut au moins %d (%s).", len(sess.Jury), min, p.Source)
	}
	for _, m := range sess.Jury {
		n, err := countHabilitations(tx, m.MembreID, sess.TitreCode, sess.Debut, sess.Fin)
		if err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ErrInvalid, "jury_non_habilite",
				"%s %s n'a pas d'habilitation pour le titre %s couvrant le %s au %s (Code de l'éducation, art. R338-6).",
				m.Prenoms, m.Nom, sess.TitreCode, sess.Debut.Francais(), sess.Fin.Francais())
		}
	}
	return nil
}

// TenirSession opens the evaluations of a declared session, from its first day.
func (s *Service) TenirSession(ctx context.Context, a Acteur, id string) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := findSession(tx, a, id)
		if err != nil {
			return err
		}
		if s.today().Before(sess.Debut) && sess.Statut == Declaree {
			return Errorf(ErrConflict, "session_pas_commencee", "La session commence le %s : elle ne peut pas être tenue avant.", sess.Debut.Francais())
		}
		now := s.now()
		if err := s.transition(tx, a, sess, sessionEtat{Statut: Tenue, TenueAt: &now}, Declaree); err != nil {
			return err
		}
		// The jury works from the enrolments: their entretien final must
		// reflect the sessions deliberated since enrolment.
		ins, err := inscriptionsOf(tx, id, "")
		if err != nil {
			return err
		}
		return s.refreshEntretienFinal(tx, sess, ins)
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// AnnulerSession cancels a session not yet deliberated. The centre or the autorité.
func (s *Service) AnnulerSession(ctx context.Context, a Acteur, id, motif string) (*Session, error) {
	if !a.Is(RoleCentre, RoleAutorite) {
		return nil, forbidden()
	}
	if strings.TrimSpace(motif) == "" {
		return nil, Invalid("motif_requis", "L'annulation exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de l'annulation."})
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := findSession(tx, a, id)
		if err != nil {
			return err
		}
		if err := s.transition(tx, a, sess, sessionEtat{Statut: Annulee, MotifAnnulation: motif}, Planifiee, Declaree, Tenue); err != nil {
			return err
		}
		if sess.Statut != Declaree {
			// Planned, no one was convened; held, the candidats came.
			return nil
		}
		ids, err := idsConvoques(tx, id)
		if err != nil {
			return err
		}
		return s.enqueueAnnulations(tx, ids...)
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, id) })
}

// param reads a rule parameter in force on d.
func (s *Service) param(cle string, d Date) (int, rules.Parametre, error) {
	return s.opt.Parametres.Valeur(cle, d.Time())
}
