package certification

import (
	"context"
	"encoding/json"
	"fmt"
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
	// id is the event's id when the caller needs it (a message names its
	// event); empty, a new one.
	id                     string
	action, objet, objetID string
	sessionID, candidatID  string
	// avant and apres are snapshot structs (see audit_snapshots.go), or nil.
	avant, apres any
}

// journal appends an event in tx, so that it is written if and only if the
// change it records is.
func (s *Service) journal(tx *gorm.DB, a Acteur, e audit) error {
	ev, err := s.evenement(a, e)
	if err != nil {
		return err
	}
	return insertEvenement(tx, ev)
}

// evenement is the event journal appends, for a caller that writes it
// with the change it records in one statement.
func (s *Service) evenement(a Acteur, e audit) (Evenement, error) {
	avant, err := jsonOrEmpty(e.avant)
	if err != nil {
		return Evenement{}, fmt.Errorf("audit %s %s %s: avant: %w", e.action, e.objet, e.objetID, err)
	}
	apres, err := jsonOrEmpty(e.apres)
	if err != nil {
		return Evenement{}, fmt.Errorf("audit %s %s %s: après: %w", e.action, e.objet, e.objetID, err)
	}
	if e.id == "" {
		e.id = newID()
	}
	ev := Evenement{ID: e.id, At: s.now(), Role: a.Role, Action: e.action, Objet: e.objet, ObjetID: e.objetID,
		Avant: avant, Apres: apres}
	if a.UtilisateurID != "" {
		ev.UtilisateurID = &a.UtilisateurID
	}
	if e.sessionID != "" {
		ev.SessionID = &e.sessionID
	}
	if e.candidatID != "" {
		ev.CandidatID = &e.candidatID
	}
	return ev, nil
}

// jsonOrEmpty marshals a snapshot; nil is stored as "", which reads as absent.
func jsonOrEmpty(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Evenements returns the audit trail of a session or of a candidat, oldest
// first: a candidat's holds the events that name it and those of the
// sessions it was enrolled in that name no candidat. Autorité and admin only.
func (s *Service) Evenements(ctx context.Context, a Acteur, sessionID, candidatID string) ([]Evenement, error) {
	if !a.Is(RoleAutorite, RoleAdmin) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	// An autorité reads the trail of its territory only.
	if sessionID != "" {
		if _, err := findSessionRow(db, a, sessionID); err != nil {
			return nil, err
		}
	}
	if candidatID != "" {
		if _, err := findCandidatRow(db, a, candidatID); err != nil {
			return nil, err
		}
	}
	return listEvenements(db, sessionID, candidatID)
}
