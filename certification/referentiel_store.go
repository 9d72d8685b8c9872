package certification

import (
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"
)

// titreRow is the titres table.
type titreRow struct {
	ID       string
	Code     string
	Intitule string
	Niveau   int
	NSF      string `gorm:"column:nsf"`
	ROME     string `gorm:"column:rome"`
	RNCP     string `gorm:"column:rncp"`
	Version  int
}

func (titreRow) TableName() string { return "titres" }

// versionRow is the titre_versions table.
type versionRow struct {
	ID      string
	TitreID string
	Code    string
	Texte   string
	Debut   Date
	Fin     Date
	Devenir string
}

func (versionRow) TableName() string { return "titre_versions" }

// blocRow is the blocs table.
type blocRow struct {
	ID        string
	VersionID string
	Code      string
	Nature    string
	Rang      int
	Intitule  string
	RNCPBloc  string `gorm:"column:rncp_bloc"`
}

func (blocRow) TableName() string { return "blocs" }

// competenceRow is the competences table.
type competenceRow struct {
	ID       string
	BlocID   string
	Rang     int
	Intitule string
}

func (competenceRow) TableName() string { return "competences" }

type correspondanceRow struct {
	ID            string
	AncienBlocID  string
	NouveauBlocID string
}

func (correspondanceRow) TableName() string { return "correspondances" }

// upsertTitre writes a titre of the fixtures, keyed by its code, with its
// versions and blocs.
func upsertTitre(tx *gorm.DB, td TitreDef) error {
	t := titreRow{Code: td.Code}
	err := tx.Where("code = ?", td.Code).Take(&t).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		t.ID, t.Version = newID(), 1
	case err != nil:
		return wrap(err, "titre %s: load", td.Code)
	case t.Version > 1:
		return nil // changed through the API since: the administrator's now
	}
	t.Intitule, t.Niveau, t.NSF, t.ROME, t.RNCP = td.Intitule, td.Niveau, td.NSF, td.ROME, td.RNCP
	if err := tx.Save(&t).Error; err != nil {
		return wrap(err, "titre %s: save", td.Code)
	}
	for _, vd := range td.Versions {
		v := versionRow{Code: vd.Code}
		err := tx.Where("code = ?", vd.Code).Take(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			v.ID = newID()
		} else if err != nil {
			return wrap(err, "version %s: load", vd.Code)
		}
		v.TitreID, v.Texte, v.Debut, v.Fin, v.Devenir = t.ID, vd.Texte, vd.Debut, vd.Fin, vd.Devenir
		if err := tx.Save(&v).Error; err != nil {
			return wrap(err, "version %s: save", vd.Code)
		}
		for i, bd := range vd.Blocs {
			if err := upsertBloc(tx, v, i+1, bd); err != nil {
				return fmt.Errorf("bloc %s: %w", bd.Code, err)
			}
		}
	}
	return nil
}

func upsertBloc(tx *gorm.DB, v versionRow, rang int, bd BlocDef) error {
	b := blocRow{}
	err := tx.Where("version_id = ? AND code = ?", v.ID, bd.Code).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		b.ID = newID()
	} else if err != nil {
		return wrap(err, "bloc %s/%s: load", v.Code, bd.Code)
	}
	b.VersionID, b.Code, b.Nature, b.Rang, b.Intitule, b.RNCPBloc = v.ID, bd.Code, bd.Nature, rang, bd.Intitule, bd.RNCPBloc
	if err := tx.Save(&b).Error; err != nil {
		return wrap(err, "bloc %s/%s: save", v.Code, bd.Code)
	}
	if err := tx.Where("bloc_id = ?", b.ID).Delete(&competenceRow{}).Error; err != nil {
		return wrap(err, "compétences of bloc %s/%s: delete", v.Code, bd.Code)
	}
	for i, c := range bd.Competences {
		if err := tx.Create(&competenceRow{ID: newID(), BlocID: b.ID, Rang: i + 1, Intitule: c}).Error; err != nil {
			return wrap(err, "compétence %d of bloc %s/%s: insert", i+1, v.Code, bd.Code)
		}
	}
	for _, ref := range bd.Correspond {
		var ancien blocRow
		err := tx.Raw(`SELECT b.* FROM blocs b JOIN titre_versions v ON v.id = b.version_id
			WHERE v.code || '/' || b.code = ?`, ref).Scan(&ancien).Error
		if err != nil {
			return wrap(err, "bloc %s: load", ref)
		}
		if ancien.ID == "" {
			return fmt.Errorf("correspondance vers %s : bloc inconnu", ref)
		}
		var n int64
		if err := tx.Model(&correspondanceRow{}).Where("ancien_bloc_id = ? AND nouveau_bloc_id = ?", ancien.ID, b.ID).Count(&n).Error; err != nil {
			return wrap(err, "correspondance %s → %s/%s: count", ref, v.Code, bd.Code)
		}
		if n == 0 {
			if err := tx.Create(&correspondanceRow{ID: newID(), AncienBlocID: ancien.ID, NouveauBlocID: b.ID}).Error; err != nil {
				return wrap(err, "correspondance %s → %s/%s: insert", ref, v.Code, bd.Code)
			}
		}
	}
	return nil
}

// loadTitres returns the titres with their versions and blocs, every one
// when code is "", else the one with that code if any. They come from the
// process's copy when it is current (see referentiel_cache.go).
func loadTitres(db *gorm.DB, code string) ([]Titre, error) {
	titres, err := cachedTitres(db)
	if err != nil {
		return nil, wrap(err, "référentiel %q: load", code)
	}
	if code == "" {
		return titres, nil
	}
	for _, t := range titres {
		if t.Code == code {
			return []Titre{t}, nil
		}
	}
	return []Titre{}, nil
}

// loadTitreRows reads the whole référentiel from the database, in five
// queries whatever its size.
func loadTitreRows(db *gorm.DB) ([]Titre, error) {
	var trows []titreRow
	if err := db.Order("code").Find(&trows).Error; err != nil {
		return nil, err
	}
	titres := make([]Titre, len(trows))
	if len(trows) == 0 {
		return titres, nil
	}
	ids := make([]string, len(trows))
	for i, t := range trows {
		ids[i] = t.ID
		titres[i] = Titre{ID: t.ID, Code: t.Code, Intitule: t.Intitule, Niveau: t.Niveau, NSF: t.NSF, ROME: t.ROME, RNCP: t.RNCP,
			Version: t.Version}
	}
	var versions []versionRow
	if err := db.Where("titre_id IN ?", ids).Order("debut").Find(&versions).Error; err != nil {
		return nil, err
	}
	vids := make([]string, len(versions))
	for i, v := range versions {
		vids[i] = v.ID
	}
	var blocs []blocRow
	var comps []competenceRow
	var corr []struct {
		AncienBlocID string
		Cible        string
	}
	if len(vids) > 0 {
		if err := db.Where("version_id IN ?", vids).Order("rang").Find(&blocs).Error; err != nil {
			return nil, err
		}
		if err := db.Raw(`SELECT c.* FROM competences c JOIN blocs b ON b.id = c.bloc_id
			WHERE b.version_id IN ? ORDER BY c.rang`, vids).Scan(&comps).Error; err != nil {
			return nil, err
		}
		if err := db.Raw(`SELECT c.ancien_bloc_id, v.code || '/' || b.code AS cible FROM correspondances c
			JOIN blocs b ON b.id = c.nouveau_bloc_id JOIN titre_versions v ON v.id = b.version_id
			WHERE v.id IN ? ORDER BY cible`, vids).Scan(&corr).Error; err != nil {
			return nil, err
		}
	}
	compsByBloc := map[string][]Competence{}
	for _, c := range comps {
		compsByBloc[c.BlocID] = append(compsByBloc[c.BlocID], Competence(c))
	}
	corrByBloc := map[string][]string{}
	for _, c := range corr {
		corrByBloc[c.AncienBlocID] = append(corrByBloc[c.AncienBlocID], c.Cible)
	}
	blocsByVersion := map[string][]Bloc{}
	for _, b := range blocs {
		blocsByVersion[b.VersionID] = append(blocsByVersion[b.VersionID], Bloc{ID: b.ID, VersionID: b.VersionID, Code: b.Code,
			Nature: b.Nature, Rang: b.Rang, Intitule: b.Intitule, RNCPBloc: b.RNCPBloc, Competences: compsByBloc[b.ID], Correspondances: corrByBloc[b.ID]})
	}
	versionsByTitre := map[string][]Version{}
	for _, v := range versions {
		versionsByTitre[v.TitreID] = append(versionsByTitre[v.TitreID], Version{ID: v.ID, TitreID: v.TitreID, Code: v.Code,
			Texte: v.Texte, Debut: v.Debut, Fin: v.Fin, Devenir: v.Devenir, Blocs: blocsByVersion[v.ID]})
	}
	for i := range titres {
		titres[i].Versions = versionsByTitre[titres[i].ID]
		sort.SliceStable(titres[i].Versions, func(a, b int) bool {
			return titres[i].Versions[a].Debut.Before(titres[i].Versions[b].Debut)
		})
	}
	return titres, nil
}

// findTitreByCode returns the titre with its versions and blocs, or nil if
// no titre has that code.
func findTitreByCode(tx *gorm.DB, code string) (*Titre, error) {
	ts, err := loadTitres(tx, code)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	return &ts[0], nil
}

// findVersionByCode returns a version with its blocs, and its titre; nil if
// no version has that code.
func findVersionByCode(tx *gorm.DB, code string) (*Version, *Titre, error) {
	var v []versionRow
	if err := tx.Where("code = ?", code).Limit(1).Find(&v).Error; err != nil {
		return nil, nil, wrap(err, "version %s: load", code)
	}
	if len(v) == 0 {
		return nil, nil, nil
	}
	var t titreRow
	if err := tx.Take(&t, "id = ?", v[0].TitreID).Error; err != nil {
		return nil, nil, wrap(err, "titre of version %s: load", code)
	}
	full, err := findTitreByCode(tx, t.Code)
	if err != nil {
		return nil, nil, err
	}
	for i := range full.Versions {
		if full.Versions[i].ID == v[0].ID {
			return &full.Versions[i], full, nil
		}
	}
	return nil, nil, fmt.Errorf("store: version %s vanished", code)
}
