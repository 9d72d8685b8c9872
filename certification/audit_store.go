package certification

import (
	"time"

	"gorm.io/gorm"
)

// evenementRow is the evenements table, the append-only audit trail.
type evenementRow struct {
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

func (evenementRow) TableName() string { return "evenements" }

func insertEvenement(tx *gorm.DB, ev Evenement) error {
	row := evenementRow(ev)
	return wrap(tx.Create(&row).Error, "evenement %s %s %s: insert", ev.Action, ev.Objet, ev.ObjetID)
}

// insertEvenements appends events in one statement.
func insertEvenements(tx *gorm.DB, rows []evenementRow) error {
	return wrap(tx.Create(&rows).Error, "%d evenements: insert", len(rows))
}

// listEvenements returns the trail of a session or of a candidat, oldest
// first: a candidat's holds the events that name it and those of the
// sessions it was enrolled in that name no candidat.
func listEvenements(db *gorm.DB, sessionID, candidatID string) ([]Evenement, error) {
	q := db.Order("at, id")
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
	var rows []evenementRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(err, "evenements of session %q candidat %q: list", sessionID, candidatID)
	}
	evs := make([]Evenement, len(rows))
	for i, r := range rows {
		evs[i] = Evenement(r)
	}
	return evs, nil
}
