package certification

import (
	"time"

	"gorm.io/gorm"
)

// membreRow is the jury_membres table.
type membreRow struct {
	ID            string
	UtilisateurID *string
	Nom           string
	Prenoms       string
	Email         string
	CreatedAt     time.Time
}

func (membreRow) TableName() string { return "jury_membres" }

func (r membreRow) membre() MembreJury {
	return MembreJury{ID: r.ID, UtilisateurID: r.UtilisateurID, Nom: r.Nom, Prenoms: r.Prenoms, Email: r.Email, CreatedAt: r.CreatedAt}
}

// habilitationRow is the habilitations table.
type habilitationRow struct {
	ID        string
	MembreID  string
	TitreID   string
	Debut     Date
	Fin       Date
	Reference string
	CreatedAt time.Time
}

func (habilitationRow) TableName() string { return "habilitations" }

// lienRow is the liens table.
type lienRow struct {
	ID         string
	MembreID   string
	CandidatID string
	Nature     string
	DeclarePar string
	CreatedAt  time.Time
}

func (lienRow) TableName() string { return "liens" }

func insertMembre(tx *gorm.DB, m *MembreJury) error {
	row := membreRow{ID: m.ID, UtilisateurID: m.UtilisateurID, Nom: m.Nom, Prenoms: m.Prenoms, Email: m.Email, CreatedAt: m.CreatedAt}
	return wrap(tx.Create(&row).Error, "membre de jury %s: insert", m.ID)
}

func insertHabilitation(tx *gorm.DB, h *Habilitation) error {
	row := habilitationRow{ID: h.ID, MembreID: h.MembreID, TitreID: h.TitreID, Debut: h.Debut, Fin: h.Fin,
		Reference: h.Reference, CreatedAt: h.CreatedAt}
	return wrap(tx.Create(&row).Error, "habilitation %s of membre %s: insert", h.ID, h.MembreID)
}

func insertLien(tx *gorm.DB, l *Lien) error {
	row := lienRow(*l)
	return wrap(tx.Create(&row).Error, "lien %s between membre %s and candidat %s: insert", l.ID, l.MembreID, l.CandidatID)
}

// membreExists reports whether a jury member has that id.
func membreExists(tx *gorm.DB, id string) (bool, error) {
	if !validID(id) {
		return false, nil
	}
	var n int64
	err := tx.Model(&membreRow{}).Where("id = ?", id).Count(&n).Error
	return n > 0, wrap(err, "membre de jury %s: count", id)
}

// countHabilitations counts a member's habilitations for a titre covering
// debut to fin.
func countHabilitations(tx *gorm.DB, membreID, titreCode string, debut, fin Date) (int64, error) {
	var n int64
	err := tx.Table("habilitations h").Joins("JOIN titres t ON t.id = h.titre_id").
		Where("h.membre_id = ? AND t.code = ? AND h.debut <= ? AND h.fin >= ?", membreID, titreCode, debut, fin).
		Count(&n).Error
	return n, wrap(err, "habilitations of membre %s for %s: count", membreID, titreCode)
}

// listMembres returns every jury member with its habilitations.
func listMembres(db *gorm.DB) ([]MembreJury, error) {
	var rows []membreRow
	if err := db.Order("nom, prenoms, id").Find(&rows).Error; err != nil {
		return nil, wrap(err, "membres de jury: list")
	}
	var hs []struct {
		Row       habilitationRow `gorm:"embedded"`
		TitreCode string
	}
	if err := db.Raw(`SELECT h.*, t.code AS titre_code FROM habilitations h JOIN titres t ON t.id = h.titre_id ORDER BY h.debut`).
		Scan(&hs).Error; err != nil {
		return nil, wrap(err, "habilitations: list")
	}
	ms := make([]MembreJury, len(rows))
	idx := map[string]int{}
	for i, r := range rows {
		ms[i] = r.membre()
		ms[i].Habilitations = []Habilitation{}
		idx[r.ID] = i
	}
	for _, x := range hs {
		h := x.Row
		if i, ok := idx[h.MembreID]; ok {
			ms[i].Habilitations = append(ms[i].Habilitations, Habilitation{ID: h.ID, MembreID: h.MembreID, TitreID: h.TitreID,
				TitreCode: x.TitreCode, Debut: h.Debut, Fin: h.Fin, Reference: h.Reference, CreatedAt: h.CreatedAt})
		}
	}
	return ms, nil
}

// membreOf returns the jury member an account stands for, or ErrForbidden.
func membreOf(tx *gorm.DB, a Acteur) (*MembreJury, error) {
	var rows []membreRow
	if err := tx.Where("utilisateur_id = ?", a.UtilisateurID).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "membre de jury of account %s: load", a.UtilisateurID)
	}
	if len(rows) == 0 {
		return nil, Errorf(ErrForbidden, "membre_inconnu", "Votre compte n'est lié à aucun membre de jury.")
	}
	m := rows[0].membre()
	return &m, nil
}

// findLien returns the link of that nature between a member and a candidat, or nil.
func findLien(tx *gorm.DB, membreID, candidatID, nature string) (*Lien, error) {
	var rows []lienRow
	if err := tx.Where("membre_id = ? AND candidat_id = ? AND nature = ?", membreID, candidatID, nature).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "lien between membre %s and candidat %s: load", membreID, candidatID)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	l := Lien(rows[0])
	return &l, nil
}

// lienEntre returns the natures of the links between a member and a candidat.
func lienEntre(tx *gorm.DB, membreID, candidatID string) ([]string, error) {
	var natures []string
	err := tx.Model(&lienRow{}).Where("membre_id = ? AND candidat_id = ?", membreID, candidatID).Pluck("nature", &natures).Error
	return natures, wrap(err, "liens between membre %s and candidat %s: load", membreID, candidatID)
}

// liensDuJury returns, for each candidat enrolled in a session, the members
// of its jury who declared a link with that candidat.
func liensDuJury(tx *gorm.DB, sessionID string) (map[string][]string, error) {
	var rows []struct{ CandidatID, MembreID string }
	err := tx.Raw(`SELECT DISTINCT l.candidat_id, l.membre_id FROM liens l
		JOIN session_jury sj ON sj.membre_id = l.membre_id AND sj.session_id = ?
		JOIN inscriptions i ON i.candidat_id = l.candidat_id AND i.session_id = sj.session_id AND i.retiree_at IS NULL`, sessionID).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "liens of the jury of session %s: load", sessionID)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.CandidatID] = append(out[r.CandidatID], r.MembreID)
	}
	return out, nil
}

// habilitationsDuJury returns, per member of the session's jury, its
// habilitations for the titre that cover the session's dates.
func habilitationsDuJury(tx *gorm.DB, sess *Session, titreID string) (map[string][]Habilitation, error) {
	var rows []habilitationRow
	err := tx.Raw(`SELECT h.* FROM habilitations h JOIN session_jury sj ON sj.membre_id = h.membre_id AND sj.session_id = ?
		WHERE h.titre_id = ? AND h.debut <= ? AND h.fin >= ? ORDER BY h.debut, h.id`, sess.ID, titreID, sess.Debut, sess.Fin).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "habilitations of the jury of session %s: load", sess.ID)
	}
	out := map[string][]Habilitation{}
	for _, h := range rows {
		out[h.MembreID] = append(out[h.MembreID], Habilitation{ID: h.ID, MembreID: h.MembreID, TitreID: h.TitreID,
			Debut: h.Debut, Fin: h.Fin, Reference: h.Reference, CreatedAt: h.CreatedAt})
	}
	return out, nil
}

// findMembre returns the jury member with that id, or nil.
func findMembre(tx *gorm.DB, id string) (*MembreJury, error) {
	if !validID(id) {
		return nil, nil
	}
	var rows []membreRow
	if err := tx.Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return nil, wrap(err, "membre de jury %s: load", id)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	m := rows[0].membre()
	return &m, nil
}
