package certification

import (
	"time"

	"gorm.io/gorm"
)

// incidentRow is the incidents table.
type incidentRow struct {
	ID            string
	SessionID     string
	InscriptionID string
	Categorie     string
	Description   string
	SaisiPar      string
	CreatedAt     time.Time
	RetireAt      *time.Time
}

func (incidentRow) TableName() string { return "incidents" }

func insertIncident(tx *gorm.DB, in Incident) error {
	row := incidentRow{ID: in.ID, SessionID: in.SessionID, InscriptionID: in.InscriptionID, Categorie: in.Categorie,
		Description: in.Description, SaisiPar: in.SaisiPar, CreatedAt: in.CreatedAt}
	return wrap(tx.Create(&row).Error, "incident %s of inscription %s: insert", in.ID, in.InscriptionID)
}

// incidentsOf returns the incidents in force of a session, with the
// candidat's name, in the order they were recorded.
func incidentsOf(tx *gorm.DB, sessionID string) ([]Incident, error) {
	var rows []struct {
		Row          incidentRow `gorm:"embedded"`
		Prenoms      string
		NomNaissance string
	}
	err := tx.Raw(`SELECT n.*, c.prenoms, c.nom_naissance FROM incidents n
		JOIN inscriptions i ON i.id = n.inscription_id JOIN candidats c ON c.id = i.candidat_id
		WHERE n.session_id = ? AND n.retire_at IS NULL ORDER BY n.created_at, n.id`, sessionID).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "incidents of session %s: load", sessionID)
	}
	out := make([]Incident, len(rows))
	for i, r := range rows {
		out[i] = Incident{ID: r.Row.ID, SessionID: r.Row.SessionID, InscriptionID: r.Row.InscriptionID, Candidat: r.Prenoms + " " + r.NomNaissance,
			Categorie: r.Row.Categorie, Description: r.Row.Description, SaisiPar: r.Row.SaisiPar, CreatedAt: r.Row.CreatedAt}
	}
	return out, nil
}

// findIncident returns an incident in force of a session, or ErrNotFound.
func findIncident(tx *gorm.DB, sessionID, id string) (*incidentRow, error) {
	if !validID(id) || !validID(sessionID) {
		return nil, notFound("Incident")
	}
	var rows []incidentRow
	if err := tx.Where("id = ? AND session_id = ? AND retire_at IS NULL", id, sessionID).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "incident %s: load", id)
	}
	if len(rows) == 0 {
		return nil, notFound("Incident")
	}
	return &rows[0], nil
}

func retirerIncident(tx *gorm.DB, id string, at time.Time) error {
	err := tx.Model(&incidentRow{}).Where("id = ?", id).Update("retire_at", at).Error
	return wrap(err, "incident %s: withdraw", id)
}
