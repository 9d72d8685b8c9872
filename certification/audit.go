package certification

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// Evenement is one entry of the append-only audit trail: who did what to
// which object, with the state before and after, as JSON.
type Evenement struct {
	ID            string
	At            time.Time
	UtilisateurID *string
	Role          Role
	Action        string
	Objet         string
	ObjetID       string
	SessionID     *string
	CandidatID    *string
	Avant         string
	Apres         string
}

// audit describes one event to append within a transaction.
type audit struct {
	action, objet, objetID string
	sessionID, candidatID  string
	avant, apres           any
}

// journal appends an event in tx, so that it is written if and only if the
// change it records is.
func (s *Service) journal(tx *gorm.DB, a Acteur, e audit) error {
	ev := Evenement{ID: newID(), At: s.now(), Role: a.Role, Action: e.action, Objet: e.objet, ObjetID: e.objetID,
		Avant: jsonOrEmpty(e.avant), Apres: jsonOrEmpty(e.apres)}
	if a.UtilisateurID != "" {
		ev.UtilisateurID = &a.UtilisateurID
	}
	if e.sessionID != "" {
		ev.SessionID = &e.sessionID
	}
	if e.candidatID != "" {
		ev.CandidatID = &e.candidatID
	}
	return insertEvenement(tx, ev)
}

func jsonOrEmpty(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Evenements returns the audit trail of a session or of a candidat, oldest
// first: a candidat's holds the events that name it and those of the
// sessions it was enrolled in that name no candidat. Autorité and admin only.
func (s *Service) Evenements(ctx context.Context, a Acteur, sessionID, candidatID string) ([]Evenement, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	return listEvenements(s.read(ctx), sessionID, candidatID)
}
