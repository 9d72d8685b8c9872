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

// TableName maps Evenement to its table.
func (Evenement) TableName() string { return "evenements" }

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
	return tx.Create(&ev).Error
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
	q := s.read(ctx).Order("at, id")
	if sessionID != "" {
		q = q.Where("session_id = ?", sessionID)
	}
	if candidatID != "" {
		// A candidat's trail also holds what happened to the sessions it
		// was enrolled in as a whole (declaration, PV signatures,
		// validation…): those events name the session, not the candidat.
		q = q.Where(`(candidat_id = ? OR (candidat_id IS NULL AND session_id IN
			(SELECT session_id FROM inscriptions WHERE candidat_id = ?)))`, candidatID, candidatID)
	}
	var evs []Evenement
	return evs, q.Find(&evs).Error
}
