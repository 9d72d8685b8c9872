package certification

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Titre is a titre professionnel, with its versions in chronological order.
type Titre struct {
	ID       string
	Code     string
	Intitule string
	Niveau   int
	NSF      string
	ROME     string
	RNCP     string
	// Version counts the changes made through the API: the token of
	// optimistic locking (ETag) for the titre and everything under it.
	Version  int
	Versions []Version
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
	Blocs   []Bloc
}

// Bloc is a CCP or a CCS of a version.
type Bloc struct {
	ID        string
	VersionID string
	Code      string
	Nature    string // "ccp" or "ccs"
	Rang      int
	Intitule  string
	// RNCPBloc is the bloc's code in the RNCP (RNCP37274BC01), empty for
	// a bloc that has none.
	RNCPBloc    string
	Competences []Competence
	// Correspondances lists the codes of the blocs of later versions this bloc counts as.
	Correspondances []string
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
	RNCPBloc               string
	Competences            []string
	Correspond             []string
}

// LoadReferentiel inserts or updates the titres as described, keyed by their
// codes, in one transaction; loading the same data twice changes nothing. A
// titre the administrator has changed through the API is left as it is: the
// fixtures describe the référentiel as published, the API what came after.
func (s *Service) LoadReferentiel(ctx context.Context, defs []TitreDef) error {
	return s.referentielTx(ctx, func(tx *gorm.DB) error {
		for _, td := range defs {
			if err := upsertTitre(tx, td); err != nil {
				return fmt.Errorf("titre %s: %w", td.Code, err)
			}
		}
		return nil
	})
}

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
