package certification

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

var errRolledBack = errors.New("rolled back on purpose")

// LoadReferentielRolledBack writes defs and reads the référentiel back in
// one transaction, which it then rolls back; it returns what the
// transaction read.
func LoadReferentielRolledBack(ctx context.Context, s *Service, defs []TitreDef) ([]Titre, error) {
	var seen []Titre
	err := s.referentielTx(ctx, func(tx *gorm.DB) error {
		for _, td := range defs {
			if err := upsertTitre(tx, td); err != nil {
				return err
			}
		}
		var err error
		if seen, err = loadTitres(tx, ""); err != nil {
			return err
		}
		return errRolledBack
	})
	if !errors.Is(err, errRolledBack) {
		return nil, err
	}
	return seen, nil
}
