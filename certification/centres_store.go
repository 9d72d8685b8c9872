package certification

import (
	"time"

	"gorm.io/gorm"
)

// centreRow is the centres table.
type centreRow struct {
	ID          string
	Nom         string
	Siret       string
	Adresse     string
	CodePostal  string
	Ville       string
	Region      string
	Departement string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (centreRow) TableName() string { return "centres" }

func (r centreRow) centre() Centre {
	return Centre{ID: r.ID, Nom: r.Nom, Siret: r.Siret, Adresse: r.Adresse, CodePostal: r.CodePostal, Ville: r.Ville,
		Region: r.Region, Departement: r.Departement, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// agrementRow is the agrements table.
type agrementRow struct {
	ID       string
	CentreID string
	TitreID  string
	Debut    Date
	Fin      Date
}

func (agrementRow) TableName() string { return "agrements" }

func insertCentre(tx *gorm.DB, c *Centre) error {
	row := centreRow{ID: c.ID, Nom: c.Nom, Siret: c.Siret, Adresse: c.Adresse, CodePostal: c.CodePostal, Ville: c.Ville,
		Region: c.Region, Departement: c.Departement, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	return wrap(tx.Create(&row).Error, "centre %s: insert", c.ID)
}

func insertAgrement(tx *gorm.DB, row agrementRow) error {
	return wrap(tx.Create(&row).Error, "agrément %s of centre %s: insert", row.ID, row.CentreID)
}

// findCentreByID returns a centre without its agréments, or ErrNotFound.
func findCentreByID(tx *gorm.DB, id string) (*Centre, error) {
	if !validID(id) {
		return nil, notFound("Centre")
	}
	var rows []centreRow
	if err := tx.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "centre %s: load", id)
	}
	if len(rows) == 0 {
		return nil, notFound("Centre")
	}
	c := rows[0].centre()
	return &c, nil
}

func listCentres(tx *gorm.DB) ([]Centre, error) {
	var rows []centreRow
	if err := tx.Order("nom, id").Find(&rows).Error; err != nil {
		return nil, wrap(err, "centres: list")
	}
	cs := make([]Centre, len(rows))
	for i, r := range rows {
		cs[i] = r.centre()
	}
	return cs, nil
}

// countAgrements counts the agréments of a centre for a titre covering
// debut to fin.
func countAgrements(tx *gorm.DB, centreID, titreID string, debut, fin Date) (int64, error) {
	var n int64
	err := tx.Model(&agrementRow{}).Where("centre_id = ? AND titre_id = ? AND debut <= ? AND fin >= ?",
		centreID, titreID, debut, fin).Count(&n).Error
	return n, wrap(err, "agréments of centre %s for titre %s: count", centreID, titreID)
}

// loadAgrements fills the agréments of centres in one query.
func loadAgrements(db *gorm.DB, cs []*Centre) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	byID := map[string]*Centre{}
	for i, c := range cs {
		ids[i] = c.ID
		byID[c.ID] = c
	}
	var ags []struct {
		Row       agrementRow `gorm:"embedded"`
		TitreCode string
	}
	err := db.Raw(`SELECT a.*, t.code AS titre_code FROM agrements a JOIN titres t ON t.id = a.titre_id
		WHERE a.centre_id IN ? ORDER BY t.code, a.debut`, ids).Scan(&ags).Error
	if err != nil {
		return wrap(err, "agréments of %d centres: load", len(ids))
	}
	for _, ag := range ags {
		r := ag.Row
		byID[r.CentreID].Agrements = append(byID[r.CentreID].Agrements, Agrement{ID: r.ID, CentreID: r.CentreID,
			TitreID: r.TitreID, TitreCode: ag.TitreCode, Debut: r.Debut, Fin: r.Fin})
	}
	return nil
}
