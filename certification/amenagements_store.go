package certification

import (
	"time"

	"gorm.io/gorm"
)

// amenagementRow is the amenagements table.
type amenagementRow struct {
	ID                string
	SessionID         string
	InscriptionID     string
	Type              string
	Detail            string
	DecisionReference string
	DecisionDate      Date
	SaisiPar          string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
	RetireAt          *time.Time
}

func (amenagementRow) TableName() string { return "amenagements" }

func (a Amenagement) row() amenagementRow {
	return amenagementRow{ID: a.ID, SessionID: a.SessionID, InscriptionID: a.InscriptionID, Type: a.Type, Detail: a.Detail,
		DecisionReference: a.DecisionReference, DecisionDate: a.DecisionDate, SaisiPar: a.SaisiPar, Version: a.Version,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// amenagementSnapshot is an adjustment as the audit trail keeps it.
type amenagementSnapshot struct {
	Type              string `json:"type"`
	Detail            string `json:"detail,omitempty"`
	DecisionReference string `json:"decision_reference"`
	DecisionDate      Date   `json:"decision_date"`
	Version           int    `json:"version"`
}

func amenagementSnapshotOf(r amenagementRow) amenagementSnapshot {
	return amenagementSnapshot{Type: r.Type, Detail: r.Detail, DecisionReference: r.DecisionReference, DecisionDate: r.DecisionDate, Version: r.Version}
}

func insertAmenagement(tx *gorm.DB, r amenagementRow) error {
	return wrap(tx.Create(&r).Error, "amenagement %s of inscription %s: insert", r.ID, r.InscriptionID)
}

// updateAmenagement writes the fields of r over the adjustment read at
// version; 0 rows affected means someone changed or withdrew it since.
func updateAmenagement(tx *gorm.DB, r amenagementRow, version int) error {
	res := tx.Model(&amenagementRow{}).Where("id = ? AND version = ? AND retire_at IS NULL", r.ID, version).Updates(map[string]any{
		"type": r.Type, "detail": r.Detail, "decision_reference": r.DecisionReference, "decision_date": r.DecisionDate,
		"version": r.Version, "updated_at": r.UpdatedAt})
	if res.Error != nil {
		return wrap(res.Error, "amenagement %s: update", r.ID)
	}
	if res.RowsAffected == 0 {
		return stale("L'aménagement")
	}
	return nil
}

func retirerAmenagement(tx *gorm.DB, id string, version int, at time.Time) error {
	res := tx.Model(&amenagementRow{}).Where("id = ? AND version = ? AND retire_at IS NULL", id, version).
		Updates(map[string]any{"retire_at": at, "version": version + 1, "updated_at": at})
	if res.Error != nil {
		return wrap(res.Error, "amenagement %s: withdraw", id)
	}
	if res.RowsAffected == 0 {
		return stale("L'aménagement")
	}
	return nil
}

// amenagementsOf returns the adjustments in force of a session, or of one
// of its enrolments when inscriptionID is set, with the candidat's name,
// candidat by candidat in the order recorded. A withdrawn enrolment's are
// left out: the candidat no longer sits.
func amenagementsOf(tx *gorm.DB, sessionID, inscriptionID string) ([]Amenagement, error) {
	return amenagementsWhere(tx, sessionID, "a.inscription_id", inscriptionID)
}

// amenagementsWhere is amenagementsOf keeping only the rows whose column
// col is value, when value is set.
func amenagementsWhere(tx *gorm.DB, sessionID, col, value string) ([]Amenagement, error) {
	var rows []struct {
		Row          amenagementRow `gorm:"embedded"`
		CandidatID   string
		Prenoms      string
		NomNaissance string
	}
	q := tx.Table("amenagements AS a").Select("a.*, i.candidat_id, c.prenoms, c.nom_naissance").
		Joins("JOIN inscriptions i ON i.id = a.inscription_id").Joins("JOIN candidats c ON c.id = i.candidat_id").
		Where("a.session_id = ? AND a.retire_at IS NULL AND i.retiree_at IS NULL", sessionID)
	if value != "" {
		q = q.Where(col+" = ?", value)
	}
	if err := q.Order("c.nom_naissance, c.prenoms, a.inscription_id, a.created_at, a.id").Scan(&rows).Error; err != nil {
		return nil, wrap(err, "amenagements of session %s: load", sessionID)
	}
	out := make([]Amenagement, len(rows))
	for i, r := range rows {
		out[i] = Amenagement{ID: r.Row.ID, SessionID: r.Row.SessionID, InscriptionID: r.Row.InscriptionID, CandidatID: r.CandidatID,
			Candidat: r.Prenoms + " " + r.NomNaissance, Type: r.Row.Type, Detail: r.Row.Detail, DecisionReference: r.Row.DecisionReference,
			DecisionDate: r.Row.DecisionDate, SaisiPar: r.Row.SaisiPar, Version: r.Row.Version, CreatedAt: r.Row.CreatedAt, UpdatedAt: r.Row.UpdatedAt}
	}
	return out, nil
}

// findAmenagement returns an adjustment in force of a session, or
// ErrNotFound.
func findAmenagement(tx *gorm.DB, sessionID, id string) (*Amenagement, error) {
	if !validID(id) || !validID(sessionID) {
		return nil, notFound("Aménagement")
	}
	all, err := amenagementsWhere(tx, sessionID, "a.id", id)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, notFound("Aménagement")
	}
	return &all[0], nil
}

// amenagementsParInscription groups adjustments by enrolment.
func amenagementsParInscription(as []Amenagement) map[string][]Amenagement {
	out := map[string][]Amenagement{}
	for _, a := range as {
		out[a.InscriptionID] = append(out[a.InscriptionID], a)
	}
	return out
}
