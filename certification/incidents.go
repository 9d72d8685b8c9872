package certification

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Incident is an incident or an observation the jury recorded about a
// candidat during a session, printed on the PV.
type Incident struct {
	ID            string
	SessionID     string
	InscriptionID string
	// Candidat is the candidat's name, for the lists and the PV.
	Candidat    string
	Categorie   string
	Description string
	SaisiPar    string
	CreatedAt   time.Time
}

// CategoriesIncident are the categories of incidents, with their label on
// the PV. Structured rather than a free comment, so that they read the same
// on every PV and can be counted.
var CategoriesIncident = []struct{ Code, Libelle string }{
	{"retard", "Candidat en retard"},
	{"epreuve_interrompue", "Épreuve interrompue"},
	{"incident_technique", "Incident technique ou matériel"},
	{"malaise", "Malaise ou problème de santé"},
	{"amenagement", "Aménagement d'épreuve appliqué"},
	{"comportement", "Comportement ou suspicion de fraude"},
	{"autre", "Autre observation"},
}

// LibelleIncident names a category in French.
func LibelleIncident(code string) string {
	for _, c := range CategoriesIncident {
		if c.Code == code {
			return c.Libelle
		}
	}
	return code
}

// NouvelIncident is the input of SignalerIncident.
type NouvelIncident struct {
	Categorie   string
	Description string
}

// SignalerIncident records an incident about an enrolled candidat, while
// the session is held, by a member who sits on it without a link to the
// candidat. It changes the PV: the signatures already given are withdrawn.
// Returns ErrInvalid for an unknown category, a missing description for
// « autre », or text the PV cannot print.
func (s *Service) SignalerIncident(ctx context.Context, a Acteur, sessionID, inscriptionID string, in NouvelIncident) (*Incident, error) {
	known := false
	for _, c := range CategoriesIncident {
		known = known || c.Code == in.Categorie
	}
	if !known {
		return nil, Invalid("incident_invalide", "Catégorie d'incident inconnue.",
			FieldError{"categorie", "inconnu", "Choisissez la catégorie de l'incident."})
	}
	in.Description = strings.TrimSpace(in.Description)
	if in.Categorie == "autre" && in.Description == "" {
		return nil, Invalid("incident_invalide", "Une observation « autre » doit être décrite.",
			FieldError{"description", "requis", "Décrivez l'observation."})
	}
	if fe := s.imprimable("description", in.Description); fe != nil {
		return nil, Invalid("incident_invalide", "La description contient des caractères impossibles à imprimer sur le PV.", *fe)
	}
	var out Incident
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cj, err := s.juryContext(tx, a, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		sess, ins := cj.sess, cj.ins
		out = Incident{ID: newID(), SessionID: sess.ID, InscriptionID: ins.ID, Candidat: ins.Prenoms + " " + ins.NomNaissance,
			Categorie: in.Categorie, Description: in.Description, SaisiPar: a.UtilisateurID, CreatedAt: s.now()}
		if err := insertIncident(tx, out); err != nil {
			return err
		}
		if err := resetSignatures(tx, sess.ID); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "incident", objet: "incident", objetID: out.ID, sessionID: sess.ID, candidatID: ins.CandidatID,
			apres: incidentSnapshot{Categorie: out.Categorie, Description: out.Description}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Incidents lists the incidents of a session the actor may see, in the
// order they were recorded.
func (s *Service) Incidents(ctx context.Context, a Acteur, sessionID string) ([]Incident, error) {
	db := s.read(ctx)
	if _, err := findSession(db, a, sessionID); err != nil {
		return nil, err
	}
	return incidentsOf(db, sessionID)
}

// RetirerIncident withdraws an incident or observation recorded by mistake,
// while the session is held, by a member who sits on it without a link to
// the candidat: the rules of SignalerIncident. The PV changes, so the
// signatures already given are withdrawn too; the incident stays in the
// audit trail. Returns ErrNotFound for an unknown or already withdrawn
// incident, ErrConflict (resultats_verrouilles) once the PV is signed by
// the whole jury.
func (s *Service) RetirerIncident(ctx context.Context, a Acteur, sessionID, incidentID string) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		n, err := findIncident(tx, sessionID, incidentID)
		if err != nil {
			return err
		}
		cj, err := s.juryContext(tx, a, sessionID, n.InscriptionID)
		if err != nil {
			return err
		}
		sess, ins := cj.sess, cj.ins
		if err := retirerIncident(tx, n.ID, s.now()); err != nil {
			return err
		}
		if err := resetSignatures(tx, sess.ID); err != nil {
			return err
		}
		return s.journal(tx, a, audit{action: "incident_retire", objet: "incident", objetID: n.ID, sessionID: sess.ID, candidatID: ins.CandidatID,
			avant: incidentSnapshot{Categorie: n.Categorie, Description: n.Description}})
	})
}
