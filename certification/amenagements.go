package certification

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Amenagement is an adjustment of the épreuves granted to an enrolled
// candidat with a disability: what is adjusted and the decision that
// grants it, never the disability (docs/domaine.md, aménagements).
type Amenagement struct {
	ID            string
	SessionID     string
	InscriptionID string
	CandidatID    string
	// Candidat is the candidat's name, for the session's lists and the PV.
	Candidat string
	Type     string
	// Detail says how the épreuve is adjusted ("un tiers de temps en plus
	// pour chaque épreuve"); it is about the adjustment only.
	Detail            string
	DecisionReference string
	DecisionDate      Date
	SaisiPar          string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TypesAmenagement are the kinds of adjustment, with their label on the
// documents: those the Code du travail (art. D.5211-4) and the règlement
// général des sessions name, so that they read the same everywhere.
var TypesAmenagement = []struct{ Code, Libelle string }{
	{"temps_majore", "Temps majoré"},
	{"assistance_humaine", "Assistance humaine"},
	{"aide_technique", "Aide technique"},
	{"format_adapte", "Sujets et documents en format adapté"},
	{"salle_adaptee", "Salle ou conditions matérielles adaptées"},
	{"autre", "Autre aménagement"},
}

// LibelleAmenagement names a type of adjustment in French.
func LibelleAmenagement(code string) string {
	for _, t := range TypesAmenagement {
		if t.Code == code {
			return t.Libelle
		}
	}
	return code
}

// Texte is the adjustment as the documents state it: its label, then its
// detail.
func (a Amenagement) Texte() string {
	if a.Detail == "" {
		return LibelleAmenagement(a.Type)
	}
	return LibelleAmenagement(a.Type) + " : " + a.Detail
}

// Decision is the granting decision as the documents cite it.
func (a Amenagement) Decision() string {
	return "décision " + a.DecisionReference + " du " + a.DecisionDate.Francais()
}

// Lengths of the free fields: a detail is a sentence or two, a reference a
// number.
const (
	maxDetailAmenagement    = 500
	maxReferenceAmenagement = 100
)

// NouvelAmenagement is the input of AccorderAmenagement and
// ModifierAmenagement.
type NouvelAmenagement struct {
	Type              string
	Detail            string
	DecisionReference string
	DecisionDate      Date
}

// verifier trims the input and reports every invalid field at once.
func (s *Service) verifierAmenagement(in *NouvelAmenagement) error {
	in.Detail = strings.TrimSpace(in.Detail)
	in.DecisionReference = strings.TrimSpace(in.DecisionReference)
	var fields []FieldError
	known := false
	for _, t := range TypesAmenagement {
		known = known || t.Code == in.Type
	}
	if !known {
		fields = append(fields, FieldError{"type", "inconnu", "Choisissez le type d'aménagement dans la liste."})
	}
	switch {
	case in.Type == "autre" && in.Detail == "":
		fields = append(fields, FieldError{"detail", "requis", "Décrivez l'aménagement accordé."})
	case utf8.RuneCountInString(in.Detail) > maxDetailAmenagement:
		fields = append(fields, FieldError{"detail", "trop_long", "Le détail de l'aménagement tient en 500 caractères au plus."})
	}
	switch {
	case in.DecisionReference == "":
		fields = append(fields, FieldError{"decision_reference", "requis", "Indiquez la référence de la décision qui accorde l'aménagement."})
	case utf8.RuneCountInString(in.DecisionReference) > maxReferenceAmenagement:
		fields = append(fields, FieldError{"decision_reference", "trop_long", "La référence tient en 100 caractères au plus."})
	}
	switch {
	case in.DecisionDate.IsZero():
		fields = append(fields, FieldError{"decision_date", "requis", "Indiquez la date de la décision."})
	case in.DecisionDate.After(s.today()):
		fields = append(fields, FieldError{"decision_date", "future", "La date de la décision ne peut pas être future."})
	}
	for _, f := range []struct{ name, value string }{{"detail", in.Detail}, {"decision_reference", in.DecisionReference}} {
		if strings.ContainsFunc(f.value, isControl) {
			fields = append(fields, FieldError{f.name, "caractere_controle", "Le texte contient des caractères de contrôle."})
		} else if fe := s.imprimable(f.name, f.value); fe != nil {
			fields = append(fields, *fe)
		}
	}
	if len(fields) > 0 {
		return Invalid("amenagement_invalide", "L'aménagement est incomplet ou incorrect.", fields...)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// AmenagementsSession lists the adjustments in force of a session's
// candidats, for its centre, its jury and the autorité of its territory:
// the jury knows them before the épreuves. Returns ErrNotFound for a
// session the actor does not see, ErrForbidden for another role.
func (s *Service) AmenagementsSession(ctx context.Context, a Acteur, sessionID string) ([]Amenagement, error) {
	if !a.Is(RoleCentre, RoleJury, RoleAutorite) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	if _, err := findSessionRow(db, a, sessionID); err != nil {
		return nil, err
	}
	return amenagementsOf(db, sessionID, "")
}

// AmenagementsInscription lists the adjustments in force of one enrolment:
// for the candidat himself, the session's centre, its jury and the
// autorité. Anyone else, another centre or a member of another jury, gets
// ErrNotFound, as for a session it does not see.
func (s *Service) AmenagementsInscription(ctx context.Context, a Acteur, sessionID, inscriptionID string) ([]Amenagement, error) {
	db := s.read(ctx)
	if _, _, err := amenagementContext(db, a, sessionID, inscriptionID); err != nil {
		return nil, err
	}
	return amenagementsOf(db, sessionID, inscriptionID)
}

// amenagementContext returns the session and the enrolment whose
// adjustments the actor reads. The candidat sees no session list: his own
// enrolment opens it, as for his convocation.
func amenagementContext(db *gorm.DB, a Acteur, sessionID, inscriptionID string) (*Session, *Inscription, error) {
	switch {
	case a.Is(RoleCandidat):
		in, err := findInscription(db, sessionID, inscriptionID)
		if err != nil || in.CandidatID != a.CandidatID {
			return nil, nil, notFound("Inscription")
		}
		sess, err := findSessionRow(db, Acteur{Role: RoleAdmin}, sessionID)
		return sess, in, err
	case a.Is(RoleCentre, RoleJury, RoleAutorite):
		sess, err := findSessionRow(db, a, sessionID)
		if err != nil {
			return nil, nil, err
		}
		in, err := findInscription(db, sessionID, inscriptionID)
		return sess, in, err
	}
	return nil, nil, forbidden()
}

// centreAmenagement opens a change of the adjustments: the session's
// centre, before the session is held. Once it is, the jury applied what
// was granted and the PV records it: what was planned is no longer
// changed.
func centreAmenagement(tx *gorm.DB, a Acteur, sessionID string) (*Session, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	if err := lockSession(tx, sessionID, lockExclusive); err != nil {
		return nil, err
	}
	sess, err := findSessionRow(tx, a, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Statut != Planifiee && sess.Statut != Declaree {
		return nil, Errorf(ErrConflict, "amenagements_clos",
			"La session est %s : les aménagements d'épreuves se fixent avant qu'elle soit tenue.", libelleStatut[sess.Statut])
	}
	return sess, nil
}

// centreAmenagementEnVigueur is centreAmenagement for a change of the
// adjustment amenagementID, which it returns.
func centreAmenagementEnVigueur(tx *gorm.DB, a Acteur, sessionID, amenagementID string) (*Session, *Amenagement, error) {
	sess, err := centreAmenagement(tx, a, sessionID)
	if err != nil {
		return nil, nil, err
	}
	am, err := findAmenagement(tx, sess.ID, amenagementID)
	return sess, am, err
}

// AccorderAmenagement records on an enrolment an adjustment the candidat
// was granted, with the decision that grants it. The session's centre,
// before the session is held. Returns ErrInvalid for a bad input,
// ErrNotFound for an enrolment the centre does not see, ErrConflict
// (amenagements_clos) once the session is held.
func (s *Service) AccorderAmenagement(ctx context.Context, a Acteur, sessionID, inscriptionID string, in NouvelAmenagement) (*Amenagement, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	if err := s.verifierAmenagement(&in); err != nil {
		return nil, err
	}
	id := newID()
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := centreAmenagement(tx, a, sessionID)
		if err != nil {
			return err
		}
		ins, err := findInscription(tx, sess.ID, inscriptionID)
		if err != nil {
			return err
		}
		now := s.now()
		row := amenagementRow{ID: id, SessionID: sess.ID, InscriptionID: ins.ID, Type: in.Type, Detail: in.Detail,
			DecisionReference: in.DecisionReference, DecisionDate: in.DecisionDate, SaisiPar: a.UtilisateurID,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := insertAmenagement(tx, row); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "amenagement_accorde", objet: "amenagement", objetID: id, sessionID: sess.ID,
			candidatID: ins.CandidatID, apres: amenagementSnapshotOf(row)})
	}, func(tx *gorm.DB) (*Amenagement, error) { return findAmenagement(tx, sessionID, id) })
}

// ModifierAmenagement changes an adjustment recorded on an enrolment, read
// at version. The rules of AccorderAmenagement; ErrStale when someone
// changed it since.
func (s *Service) ModifierAmenagement(ctx context.Context, a Acteur, sessionID, amenagementID string, version int, in NouvelAmenagement) (*Amenagement, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	if err := s.verifierAmenagement(&in); err != nil {
		return nil, err
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, old, err := centreAmenagementEnVigueur(tx, a, sessionID, amenagementID)
		if err != nil {
			return err
		}
		row := amenagementRow{ID: old.ID, Type: in.Type, Detail: in.Detail, DecisionReference: in.DecisionReference,
			DecisionDate: in.DecisionDate, Version: version + 1, UpdatedAt: s.now()}
		if err := updateAmenagement(tx, row, version); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "amenagement_modifie", objet: "amenagement", objetID: old.ID, sessionID: sess.ID,
			candidatID: old.CandidatID, avant: amenagementSnapshotOf(old.row()), apres: amenagementSnapshotOf(row)})
	}, func(tx *gorm.DB) (*Amenagement, error) { return findAmenagement(tx, sessionID, amenagementID) })
}

// RetirerAmenagement withdraws an adjustment recorded by mistake, read at
// version: it stays in the audit trail. The rules of ModifierAmenagement.
func (s *Service) RetirerAmenagement(ctx context.Context, a Acteur, sessionID, amenagementID string, version int) error {
	if !a.Is(RoleCentre) {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		sess, old, err := centreAmenagementEnVigueur(tx, a, sessionID, amenagementID)
		if err != nil {
			return err
		}
		if err := retirerAmenagement(tx, old.ID, version, s.now()); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "amenagement_retire", objet: "amenagement", objetID: old.ID, sessionID: sess.ID,
			candidatID: old.CandidatID, avant: amenagementSnapshotOf(old.row())})
	})
}
