package certification

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"
)

// Titre is a titre professionnel, with its versions in chronological order.
type Titre struct {
	ID       string
	Code     string
	Intitule string
	Niveau   int
	NSF      string    `gorm:"column:nsf"`
	ROME     string    `gorm:"column:rome"`
	RNCP     string    `gorm:"column:rncp"`
	Versions []Version `gorm:"-"`
}

// Version is one arrêté's definition of a titre, valid from Debut to Fin.
type Version struct {
	ID      string
	TitreID string
	Code    string
	Texte   string
	Debut   Date
	Fin     Date
	// Devenir is what happened at Fin: "", "proroge", "revise" or "cloture".
	Devenir string
	Blocs   []Bloc `gorm:"-"`
}

// Bloc is a CCP or a CCS of a version.
type Bloc struct {
	ID          string
	VersionID   string
	Code        string
	Nature      string // "ccp" or "ccs"
	Rang        int
	Intitule    string
	Competences []Competence `gorm:"-"`
	// Correspondances lists the codes of the blocs of later versions this bloc counts as.
	Correspondances []string `gorm:"-"`
}

// Competence is one compétence of a bloc.
type Competence struct {
	ID       string
	BlocID   string
	Rang     int
	Intitule string
}

// ValideLe reports whether the version is in force on d.
func (v Version) ValideLe(d Date) bool { return !d.Before(v.Debut) && !d.After(v.Fin) }

// Bloc returns the bloc with the given code.
func (v Version) Bloc(code string) (Bloc, bool) {
	for _, b := range v.Blocs {
		if b.Code == code {
			return b, true
		}
	}
	return Bloc{}, false
}

// HasCCS reports whether the version has at least one CCS.
func (v Version) HasCCS() bool {
	for _, b := range v.Blocs {
		if b.Nature == "ccs" {
			return true
		}
	}
	return false
}

// VersionEnVigueur returns the version valid on d, or the latest one.
func (t Titre) VersionEnVigueur(d Date) (Version, bool) {
	for _, v := range t.Versions {
		if v.ValideLe(d) {
			return v, true
		}
	}
	if len(t.Versions) == 0 {
		return Version{}, false
	}
	return t.Versions[len(t.Versions)-1], true
}

// TitreDef is a titre as the référentiel fixtures describe it.
type TitreDef struct {
	Code, Intitule, NSF, ROME, RNCP string
	Niveau                          int
	Versions                        []VersionDef
}

// VersionDef is a version in the fixtures.
type VersionDef struct {
	Code, Texte, Devenir string
	Debut, Fin           Date
	Blocs                []BlocDef
}

// BlocDef is a CCP or CCS in the fixtures; Correspond names blocs of an
// earlier version, as "VERSION/BLOC", that count as this one.
type BlocDef struct {
	Code, Nature, Intitule string
	Competences            []string
	Correspond             []string
}

// LoadReferentiel inserts or updates the titres as described, keyed by their
// codes, in one transaction; loading the same data twice changes nothing.
func (s *Service) LoadReferentiel(ctx context.Context, defs []TitreDef) error {
	return s.inTx(ctx, func(tx *gorm.DB) error {
		for _, td := range defs {
			if err := upsertTitre(tx, td); err != nil {
				return fmt.Errorf("titre %s: %w", td.Code, err)
			}
		}
		return nil
	})
}

func upsertTitre(tx *gorm.DB, td TitreDef) error {
	t := Titre{Code: td.Code}
	err := tx.Where("code = ?", td.Code).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		t.ID = newID()
	} else if err != nil {
		return err
	}
	t.Intitule, t.Niveau, t.NSF, t.ROME, t.RNCP = td.Intitule, td.Niveau, td.NSF, td.ROME, td.RNCP
	if err := tx.Save(&t).Error; err != nil {
		return err
	}
	for _, vd := range td.Versions {
		v := Version{Code: vd.Code}
		err := tx.Where("code = ?", vd.Code).Take(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			v.ID = newID()
		} else if err != nil {
			return err
		}
		v.TitreID, v.Texte, v.Debut, v.Fin, v.Devenir = t.ID, vd.Texte, vd.Debut, vd.Fin, vd.Devenir
		if err := tx.Save(&v).Error; err != nil {
			return err
		}
		for i, bd := range vd.Blocs {
			if err := upsertBloc(tx, v, i+1, bd); err != nil {
				return fmt.Errorf("bloc %s: %w", bd.Code, err)
			}
		}
	}
	return nil
}

func upsertBloc(tx *gorm.DB, v Version, rang int, bd BlocDef) error {
	b := Bloc{}
	err := tx.Where("version_id = ? AND code = ?", v.ID, bd.Code).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		b.ID = newID()
	} else if err != nil {
		return err
	}
	b.VersionID, b.Code, b.Nature, b.Rang, b.Intitule = v.ID, bd.Code, bd.Nature, rang, bd.Intitule
	if err := tx.Save(&b).Error; err != nil {
		return err
	}
	if err := tx.Where("bloc_id = ?", b.ID).Delete(&Competence{}).Error; err != nil {
		return err
	}
	for i, c := range bd.Competences {
		if err := tx.Create(&Competence{ID: newID(), BlocID: b.ID, Rang: i + 1, Intitule: c}).Error; err != nil {
			return err
		}
	}
	for _, ref := range bd.Correspond {
		var ancien Bloc
		err := tx.Raw(`SELECT b.* FROM blocs b JOIN titre_versions v ON v.id = b.version_id
			WHERE v.code || '/' || b.code = ?`, ref).Scan(&ancien).Error
		if err != nil {
			return err
		}
		if ancien.ID == "" {
			return fmt.Errorf("correspondance vers %s : bloc inconnu", ref)
		}
		var n int64
		if err := tx.Model(&correspondance{}).Where("ancien_bloc_id = ? AND nouveau_bloc_id = ?", ancien.ID, b.ID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			if err := tx.Create(&correspondance{ID: newID(), AncienBlocID: ancien.ID, NouveauBlocID: b.ID}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

type correspondance struct {
	ID            string
	AncienBlocID  string
	NouveauBlocID string
}

func (correspondance) TableName() string { return "correspondances" }

// TableName maps Version to its table.
func (Version) TableName() string { return "titre_versions" }

// Titres returns every titre with its versions, blocs and compétences.
func (s *Service) Titres(ctx context.Context) ([]Titre, error) {
	return loadTitres(s.read(ctx), "")
}

// Titre returns the titre with the given code. Returns ErrNotFound if none.
func (s *Service) Titre(ctx context.Context, code string) (*Titre, error) {
	ts, err := loadTitres(s.read(ctx), code)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, notFound("Titre " + code)
	}
	return &ts[0], nil
}

// loadTitres reads the référentiel in four queries whatever its size.
func loadTitres(db *gorm.DB, code string) ([]Titre, error) {
	var titres []Titre
	q := db.Order("code")
	if code != "" {
		q = q.Where("code = ?", code)
	}
	if err := q.Find(&titres).Error; err != nil {
		return nil, err
	}
	if len(titres) == 0 {
		return titres, nil
	}
	ids := make([]string, len(titres))
	for i, t := range titres {
		ids[i] = t.ID
	}
	var versions []Version
	if err := db.Where("titre_id IN ?", ids).Order("debut").Find(&versions).Error; err != nil {
		return nil, err
	}
	vids := make([]string, len(versions))
	for i, v := range versions {
		vids[i] = v.ID
	}
	var blocs []Bloc
	var comps []Competence
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
		compsByBloc[c.BlocID] = append(compsByBloc[c.BlocID], c)
	}
	corrByBloc := map[string][]string{}
	for _, c := range corr {
		corrByBloc[c.AncienBlocID] = append(corrByBloc[c.AncienBlocID], c.Cible)
	}
	blocsByVersion := map[string][]Bloc{}
	for _, b := range blocs {
		b.Competences = compsByBloc[b.ID]
		b.Correspondances = corrByBloc[b.ID]
		blocsByVersion[b.VersionID] = append(blocsByVersion[b.VersionID], b)
	}
	versionsByTitre := map[string][]Version{}
	for _, v := range versions {
		v.Blocs = blocsByVersion[v.ID]
		versionsByTitre[v.TitreID] = append(versionsByTitre[v.TitreID], v)
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
