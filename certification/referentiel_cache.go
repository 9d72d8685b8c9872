package certification

import (
	"slices"
	"sync"

	"gorm.io/gorm"
)

// The référentiel (titres, versions, blocs, compétences, correspondances)
// is read by most pages and most writes, and changes a few times a year.
// Each process keeps a copy in memory, attached to its database. Every
// référentiel write increments referentiel_generation in its own
// transaction through referentielModifie, which also names the référentiel
// for invalidation (invalidation.go).
//
// On PostgreSQL, while the invalidation listener is current, the copy is
// used without any read: a write committed by another process reaches this
// one within invalidationBorne. Otherwise, and always on SQLite, the copy
// is checked at each use with one read of one row, referentiel_generation:
// a write committed by another process is seen by the next read here, as
// without the copy.
//
// The copy is filled only by reads outside a transaction, only when the
// generation read before the load is still the one read after it, and only
// when no invalidation happened meanwhile: a transaction that wrote the
// référentiel sees a generation of its own, which may be rolled back and
// then reused by another write, so what such a transaction reads must not
// outlive it. It reads the database, never the copy, unless the generation
// it sees is the copy's.

// referentielPlugin names the copy among the database's GORM plugins,
// which every session and transaction of that database shares.
const referentielPlugin = "cipcert:referentiel"

// referentielCache is a process's copy of the référentiel of one database.
type referentielCache struct {
	iv         *invalidation
	mu         sync.RWMutex
	loaded     bool
	generation int64
	titres     []Titre
}

func newReferentielCache(iv *invalidation) *referentielCache {
	c := &referentielCache{iv: iv}
	iv.oublier = append(iv.oublier, c.oublier)
	return c
}

// Name and Initialize make the copy a GORM plugin, so that it travels with
// the database's configuration into every session.
func (*referentielCache) Name() string              { return referentielPlugin }
func (*referentielCache) Initialize(*gorm.DB) error { return nil }

// oublier empties the copy when cle names the référentiel.
func (c *referentielCache) oublier(cle string) {
	if cle != cleReferentiel && cle != cleTout {
		return
	}
	c.mu.Lock()
	c.loaded, c.titres = false, nil
	c.mu.Unlock()
}

// referentielModifie records that the transaction tx changes the
// référentiel: every process, this one included, reloads its copy once tx
// commits. Every write to the référentiel's tables must call it in the
// same transaction.
func referentielModifie(tx *gorm.DB) error {
	err := tx.Exec(`UPDATE referentiel_generation SET generation = generation + 1 WHERE id = 1`).Error
	if err == nil {
		err = invaliderCle(tx, cleReferentiel)
	}
	return wrap(err, "référentiel: new generation")
}

// referentielGeneration reads the generation db sees.
func referentielGeneration(db *gorm.DB) (int64, error) {
	var g int64
	err := db.Raw(`SELECT generation FROM referentiel_generation WHERE id = 1`).Row().Scan(&g)
	return g, err
}

// cachedTitres returns every titre as db sees it, from the copy when it is
// current. The titres returned are the caller's to change.
func cachedTitres(db *gorm.DB) ([]Titre, error) {
	cache, _ := db.Config.Plugins[referentielPlugin].(*referentielCache)
	if cache == nil {
		return loadTitreRows(db)
	}
	_, inTx := db.Statement.ConnPool.(gorm.TxCommitter)
	if cache.iv.postgres && cache.iv.fiable() && !(inTx && ecritReferentiel(db)) {
		cache.mu.RLock()
		if cache.loaded {
			titres := cloneTitres(cache.titres)
			cache.mu.RUnlock()
			return titres, nil
		}
		cache.mu.RUnlock()
	}
	invalidations := cache.iv.generation.Load()
	gen, err := referentielGeneration(db)
	if err != nil {
		return nil, err
	}
	cache.mu.RLock()
	if cache.loaded && cache.generation == gen {
		titres := cloneTitres(cache.titres)
		cache.mu.RUnlock()
		return titres, nil
	}
	cache.mu.RUnlock()
	titres, err := loadTitreRows(db)
	if err != nil {
		return nil, err
	}
	if inTx {
		return titres, nil
	}
	after, err := referentielGeneration(db)
	if err != nil || after != gen {
		// Changed while being read: this read is right for now, but no
		// generation names it.
		return titres, err
	}
	cache.mu.Lock()
	if cache.iv.generation.Load() == invalidations && (!cache.loaded || cache.generation < gen) {
		cache.loaded, cache.generation, cache.titres = true, gen, cloneTitres(titres)
	}
	cache.mu.Unlock()
	return titres, nil
}

// ecritReferentiel reports whether the transaction tx may have written the
// référentiel: it has named it for invalidation, or it is not a service
// transaction, which would not have.
func ecritReferentiel(tx *gorm.DB) bool {
	ai := aInvaliderDe(tx)
	return ai == nil || ai.invalide(cleReferentiel)
}

// cloneTitres copies titres down to their compétences, so that no caller
// shares a slice with the copy.
func cloneTitres(ts []Titre) []Titre {
	out := slices.Clone(ts)
	for i := range out {
		out[i].Versions = slices.Clone(out[i].Versions)
		for j := range out[i].Versions {
			v := &out[i].Versions[j]
			v.Blocs = slices.Clone(v.Blocs)
			for k := range v.Blocs {
				v.Blocs[k].Competences = slices.Clone(v.Blocs[k].Competences)
				v.Blocs[k].Correspondances = slices.Clone(v.Blocs[k].Correspondances)
			}
		}
	}
	return out
}
