package certification

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/search"
)

// candidatRow is the candidats table; Candidat nests what it flattens.
type candidatRow struct {
	ID            string
	CentreID      string
	TitreID       string
	Parcours      Parcours
	NomNaissance  string
	NomUsage      string
	Prenoms       string
	DateNaissance Date
	LieuNaissance string
	Email         string
	// NomNaissanceRecherche and NomUsageRecherche are the names' search
	// keys (search.Key): every write of a name writes its key with it.
	NomNaissanceRecherche string
	NomUsageRecherche     string
	// TitreCode is read with the row (candidatColumns), never written.
	TitreCode           string `gorm:"->"`
	FormationDebut      *Date
	FormationFin        *Date
	VaeDateNotification *Date
	VaeReference        *string
	VaeDdets            *string
	VaeMoisExperience   *int
	VaeTypeSession      *string
	MoisExperience      *int
	ArchiveAt           *time.Time
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (candidatRow) TableName() string { return "candidats" }

type ecfRow struct {
	ID             string
	CandidatID     string
	BlocID         string
	DateEvaluation Date
	Observations   string
}

func (ecfRow) TableName() string { return "candidat_ecf" }

type anterieurRow struct {
	ID               string
	CandidatID       string
	BlocID           string
	DateObtention    Date
	SessionReference string
}

func (anterieurRow) TableName() string { return "candidat_ccp_anterieurs" }

// recevabiliteRow is the candidat_recevabilites table: rows are only inserted.
type recevabiliteRow struct {
	ID               string
	CandidatID       string
	DateNotification Date
	Reference        string
	Ddets            string
	MoisExperience   int
	TypeSession      string
	EnregistreeAt    time.Time
	EnregistreePar   *string
}

func (recevabiliteRow) TableName() string { return "candidat_recevabilites" }

// insertRecevabilite adds a notification to a candidat's history.
func insertRecevabilite(tx *gorm.DB, candidatID string, r Recevabilite, par string, at time.Time) error {
	row := recevabiliteRow{ID: newID(), CandidatID: candidatID, DateNotification: r.DateNotification, Reference: r.Reference,
		Ddets: r.DDETS, MoisExperience: r.MoisExperience, TypeSession: r.TypeSession, EnregistreeAt: at}
	if par != "" {
		row.EnregistreePar = &par
	}
	return wrap(tx.Create(&row).Error, "candidat %s: insert recevabilité %s", candidatID, r.Reference)
}

// listCandidats reads one page of the candidats the actor may see; db is
// the search pool when the filter has a name (see DB.forSearch), details
// the pool that reads the page's ECF, CCP antérieurs and notifications.
func listCandidats(db, details *gorm.DB, a Acteur, f FiltreCandidats) (*PageCandidats, error) {
	// filtered is the actor's scope and every filter but the name; the
	// candidats AS c it selects from is what the pages are cut from.
	filtered := func(cols string) (*gorm.DB, error) {
		q, err := scopeCandidats(db, a)
		if err != nil {
			return nil, err
		}
		q = q.Select(cols)
		if f.Parcours != "" {
			q = q.Where("c.parcours = ?", f.Parcours)
		}
		if f.CentreID != "" {
			q = q.Where("c.centre_id = ?", f.CentreID)
		}
		if !f.Archives {
			q = q.Where("c.archive_at IS NULL")
		}
		if f.Apres != "" {
			q = q.Where("c.id > ?", f.Apres)
		}
		return q, nil
	}
	q, err := filtered(candidatColumns)
	if err != nil {
		return nil, err
	}
	if f.Nom != "" {
		// A prefix of a few letters matches thousands of candidats out of a
		// million. An OR of both names leaves PostgreSQL two bad plans:
		// read every matching row then sort, or walk the ids testing each.
		// Each name's search key on its own is read from its covering
		// index (migration 10) without touching the rows, keeping the
		// first ids of the page; the two short lists are then merged.
		// Ordering by id || '' keeps the planner from walking the ids
		// instead. The keys ignore case and accents (search.Key), on both
		// dialects alike.
		pat := likePrefix(search.Key(f.Nom))
		var branches []any
		for _, col := range []string{"c.nom_naissance_recherche", "c.nom_usage_recherche"} {
			b, _ := filtered("c.id")
			branches = append(branches, b.Where(col+` LIKE ? ESCAPE '\'`, pat).Order("c.id || ''").Limit(f.Limite+1))
		}
		page := db.Raw(`SELECT m.id FROM (SELECT n.id FROM (?) n UNION SELECT u.id FROM (?) u) m ORDER BY m.id LIMIT ?`,
			branches[0], branches[1], f.Limite+1)
		q = q.Where("c.id IN (?)", page)
	}
	rows, err := scanCandidats(q.Order("c.id").Limit(f.Limite + 1))
	if err != nil {
		return nil, wrap(err, "candidats of %s %s: list", a.Role, a.UtilisateurID)
	}
	page := &PageCandidats{}
	if len(rows) > f.Limite {
		rows = rows[:f.Limite]
		page.Suivant = rows[len(rows)-1].ID
	}
	page.Candidats, err = hydrate(details, rows)
	return page, err
}

// likePrefix is a LIKE pattern matching the strings that start with s.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// candidatColumns are what a candidatRow reads, in the order
// scanCandidats scans them: the row, but its search keys, and its titre's
// code, which saves hydrate a query.
const candidatColumns = `c.id, c.centre_id, c.titre_id, (SELECT t.code FROM titres t WHERE t.id = c.titre_id) AS titre_code,
	c.parcours, c.nom_naissance, c.nom_usage, c.prenoms, c.date_naissance, c.lieu_naissance, c.email,
	c.formation_debut, c.formation_fin, c.vae_date_notification, c.vae_reference, c.vae_ddets, c.vae_mois_experience,
	c.vae_type_session, c.mois_experience, c.archive_at, c.version, c.created_at, c.updated_at`

// scanCandidats runs q, which selects candidatColumns, and scans its rows
// itself: the candidats are the most read rows of the service (every list,
// every record), and GORM's scanning by reflection was a sixth of a list
// page's CPU time.
func scanCandidats(q *gorm.DB) ([]candidatRow, error) {
	var out []candidatRow
	err := parcourir(q, func(rows lignes) error {
		for rows.Next() {
			var r candidatRow
			if err := rows.Scan(r.dests()...); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// dests are where a row of candidatColumns is scanned, in their order.
func (r *candidatRow) dests() []any {
	return []any{&r.ID, &r.CentreID, &r.TitreID, &r.TitreCode,
		&r.Parcours, &r.NomNaissance, &r.NomUsage, &r.Prenoms, &r.DateNaissance, &r.LieuNaissance, &r.Email,
		&r.FormationDebut, &r.FormationFin, &r.VaeDateNotification, &r.VaeReference, &r.VaeDdets, &r.VaeMoisExperience,
		&r.VaeTypeSession, &r.MoisExperience, &r.ArchiveAt, &r.Version, &r.CreatedAt, &r.UpdatedAt}
}

// scopeCandidats restricts a query on candidats (aliased c) to what the
// actor may see.
func scopeCandidats(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Table("candidats AS c").Select(candidatColumns)
	switch a.Role {
	case RoleAdmin:
		return q, nil
	case RoleAutorite:
		return q.Where("c.centre_id IN (?)", centresDu(db, a.Territoire)), nil
	case RoleCentre:
		return q.Where("c.centre_id = ?", a.CentreID), nil
	case RoleCandidat:
		return q.Where("c.id = ?", a.CandidatID), nil
	}
	return nil, forbidden()
}

func findCandidatRow(tx *gorm.DB, a Acteur, id string) (*candidatRow, error) {
	if !validID(id) {
		return nil, notFound("Candidat")
	}
	q, err := scopeCandidats(tx, a)
	if err != nil {
		return nil, err
	}
	rows, err := scanCandidats(q.Where("c.id = ?", id).Limit(1))
	if err != nil {
		return nil, wrap(err, "candidat %s: load", id)
	}
	if len(rows) == 0 {
		return nil, notFound("Candidat")
	}
	return &rows[0], nil
}

func findCandidat(tx *gorm.DB, a Acteur, id string) (*Candidat, error) {
	row, err := findCandidatRow(tx, a, id)
	if err != nil {
		return nil, err
	}
	cs, err := hydrate(tx, []candidatRow{*row})
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// candidatsByID loads the candidats with those ids, with their details, in
// a few queries whatever their number.
func candidatsByID(db *gorm.DB, ids []string) (map[string]*Candidat, error) {
	out := map[string]*Candidat{}
	if len(ids) == 0 {
		return out, nil
	}
	q, err := scopeCandidats(db, Acteur{Role: RoleAdmin})
	if err != nil {
		return nil, err
	}
	rows, err := scanCandidats(q.Where("c.id IN ?", ids))
	if err != nil {
		return nil, wrap(err, "%d candidats: load", len(ids))
	}
	cs, err := hydrate(db, rows)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		out[cs[i].ID] = &cs[i]
	}
	return out, nil
}

// hydrate turns rows into Candidats with their ECF, CCP antérieurs and
// notifications de recevabilité, in one query whatever the number of rows.
func hydrate(db *gorm.DB, rows []candidatRow) ([]Candidat, error) {
	out, err := hydrateRows(db, rows)
	return out, wrap(err, "details of %d candidats: load", len(rows))
}

func hydrateRows(db *gorm.DB, rows []candidatRow) ([]Candidat, error) {
	out := make([]Candidat, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	idx := make(map[string]*Candidat, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		out[i] = r.candidat()
		idx[r.ID] = &out[i]
	}
	// The ECF, the CCP antérieurs and the notifications de recevabilité
	// come in one statement, each line tagged with its kind: a candidat's
	// page or a list pays one round trip for them, not three.
	err := lireDetails(db, branchECF+" UNION ALL "+branchAnterieurs+" UNION ALL "+branchRecevabilites+detailsOrder,
		[]any{ids, ids, ids}, func(l *ligneDetail) { ajouterDetailCandidat(idx[l.owner], l) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// candidat is the row as a Candidat, without its ECF, CCP antérieurs and
// notifications yet (empty lists, not nil: they are answered as []).
func (r *candidatRow) candidat() Candidat {
	c := Candidat{
		ID: r.ID, CentreID: r.CentreID, TitreCode: r.TitreCode, Parcours: r.Parcours,
		NomNaissance: r.NomNaissance, NomUsage: r.NomUsage, Prenoms: r.Prenoms,
		DateNaissance: r.DateNaissance, LieuNaissance: r.LieuNaissance, Email: r.Email,
		MoisExperience: r.MoisExperience, ArchiveAt: r.ArchiveAt, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		ECF: []ECF{}, CCPAnterieurs: []CCPAnterieur{}, Recevabilites: []Recevabilite{},
	}
	if r.FormationDebut != nil && r.FormationFin != nil {
		c.Formation = &Periode{*r.FormationDebut, *r.FormationFin}
	}
	if r.VaeDateNotification != nil {
		c.Recevabilite = &Recevabilite{DateNotification: *r.VaeDateNotification, Reference: deref(r.VaeReference),
			DDETS: deref(r.VaeDdets), TypeSession: deref(r.VaeTypeSession)}
		if r.VaeMoisExperience != nil {
			c.Recevabilite.MoisExperience = *r.VaeMoisExperience
		}
	}
	return c
}

// candidatExists reports whether any candidat has that id.
func candidatExists(tx *gorm.DB, id string) (bool, error) {
	if !validID(id) {
		return false, nil
	}
	var n int64
	err := tx.Model(&candidatRow{}).Where("id = ?", id).Count(&n).Error
	return n > 0, wrap(err, "candidat %s: count", id)
}

// insertCandidat writes a new candidat with its ECF and CCP antérieurs.
func insertCandidat(tx *gorm.DB, row candidatRow, ecf []ecfRow, anterieurs []anterieurRow) error {
	if err := tx.Create(&row).Error; err != nil {
		return wrap(err, "candidat %s: insert", row.ID)
	}
	return insertCandidatChildren(tx, row.ID, ecf, anterieurs)
}

// updateCandidat replaces a candidat's row, ECF and CCP antérieurs if its
// version is still version. It reports false when it is not.
func updateCandidat(tx *gorm.DB, row candidatRow, version int, ecf []ecfRow, anterieurs []anterieurRow) (bool, error) {
	res := tx.Model(&candidatRow{}).Where("id = ? AND version = ?", row.ID, version).Updates(map[string]any{
		"titre_id": row.TitreID, "parcours": row.Parcours,
		"nom_naissance": row.NomNaissance, "nom_usage": row.NomUsage, "prenoms": row.Prenoms,
		"nom_naissance_recherche": row.NomNaissanceRecherche, "nom_usage_recherche": row.NomUsageRecherche,
		"date_naissance": row.DateNaissance, "lieu_naissance": row.LieuNaissance, "email": row.Email,
		"formation_debut": row.FormationDebut, "formation_fin": row.FormationFin,
		"vae_date_notification": row.VaeDateNotification, "vae_reference": row.VaeReference,
		"vae_ddets": row.VaeDdets, "vae_mois_experience": row.VaeMoisExperience,
		"vae_type_session": row.VaeTypeSession, "mois_experience": row.MoisExperience,
		"version": row.Version, "updated_at": row.UpdatedAt,
	})
	if res.Error != nil {
		return false, wrap(res.Error, "candidat %s version %d: update", row.ID, version)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	if err := tx.Where("candidat_id = ?", row.ID).Delete(&ecfRow{}).Error; err != nil {
		return false, wrap(err, "candidat %s: delete ECF", row.ID)
	}
	if err := tx.Where("candidat_id = ?", row.ID).Delete(&anterieurRow{}).Error; err != nil {
		return false, wrap(err, "candidat %s: delete CCP antérieurs", row.ID)
	}
	// The statistics count each candidat under its parcours, which may
	// have changed.
	if err := marquerCandidat(tx, row.ID); err != nil {
		return false, err
	}
	return true, insertCandidatChildren(tx, row.ID, ecf, anterieurs)
}

// updateIdentite rewrites a candidat's civil identity if its version is
// still version. It reports false when it is not.
func updateIdentite(tx *gorm.DB, id string, version int, in Identite, at time.Time) (bool, error) {
	res := tx.Model(&candidatRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
		"nom_naissance": in.NomNaissance, "nom_naissance_recherche": search.Key(in.NomNaissance),
		"prenoms": in.Prenoms, "date_naissance": in.DateNaissance,
		"lieu_naissance": in.LieuNaissance, "version": version + 1, "updated_at": at})
	if res.Error != nil {
		return false, wrap(res.Error, "candidat %s version %d: identity", id, version)
	}
	return res.RowsAffected > 0, nil
}

// archiveCandidat archives a candidat if its version is still version. It
// reports false when it is not.
func archiveCandidat(tx *gorm.DB, id string, version int, at time.Time) (bool, error) {
	res := tx.Model(&candidatRow{}).Where("id = ? AND version = ?", id, version).
		Updates(map[string]any{"archive_at": at, "version": version + 1, "updated_at": at})
	if res.Error != nil {
		return false, wrap(res.Error, "candidat %s version %d: archive", id, version)
	}
	return res.RowsAffected > 0, nil
}

func insertCandidatChildren(tx *gorm.DB, candidatID string, ecf []ecfRow, anterieurs []anterieurRow) error {
	for _, e := range ecf {
		e.ID, e.CandidatID = newID(), candidatID
		if err := tx.Create(&e).Error; err != nil {
			return wrap(err, "candidat %s: insert ECF", candidatID)
		}
	}
	for _, x := range anterieurs {
		x.ID, x.CandidatID = newID(), candidatID
		if err := tx.Create(&x).Error; err != nil {
			return wrap(err, "candidat %s: insert CCP antérieur", candidatID)
		}
	}
	return nil
}
