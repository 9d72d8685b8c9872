package certification

import (
	"strings"
	"sync"
)

// jetonsMax bounds the tokens a process keeps resolved: a few hundred
// accounts signed in at once, with room to spare.
const jetonsMax = 10000

// jetonsCache is a process's copy of the tokens it has resolved, by hash:
// only valid tokens, of active accounts, as findJeton read them. Each use
// still checks the expiry against the service's clock. See invalidation.go
// for when an entry is forgotten.
type jetonsCache struct {
	iv      *invalidation
	mu      sync.RWMutex
	entrees map[string]jetonEntree
}

type jetonEntree struct {
	jeton jetonActeur
	// lu is when (invalidation.horloge) the read it comes from began.
	lu int64
}

func newJetonsCache(iv *invalidation) *jetonsCache {
	c := &jetonsCache{iv: iv, entrees: make(map[string]jetonEntree)}
	iv.oublier = append(iv.oublier, c.oublier)
	return c
}

// lire returns the token of hash from the copy, if it may be used now.
func (c *jetonsCache) lire(hash string) (jetonActeur, bool) {
	if !c.iv.fiable() {
		return jetonActeur{}, false
	}
	c.mu.RLock()
	e, ok := c.entrees[hash]
	c.mu.RUnlock()
	if !ok || (!c.iv.postgres && c.iv.horloge()-e.lu >= int64(invalidationBorne)) {
		return jetonActeur{}, false
	}
	return e.jeton, true
}

// debut returns what garder needs of the moment a read of a token begins.
func (c *jetonsCache) debut() (generation uint64, lu int64) {
	return c.iv.generation.Load(), c.iv.horloge()
}

// garder keeps j, read from the database from the moment debut returned,
// unless an invalidation happened since.
func (c *jetonsCache) garder(hash string, j jetonActeur, generation uint64, lu int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.iv.generation.Load() != generation {
		return
	}
	if len(c.entrees) >= jetonsMax {
		// Any tenth goes: the copy is a shortcut, not a record.
		n := 0
		for k := range c.entrees {
			delete(c.entrees, k)
			if n++; n >= jetonsMax/10 {
				break
			}
		}
	}
	c.entrees[hash] = jetonEntree{jeton: j, lu: lu}
}

// oublier forgets what cle names: a token, an account's tokens, or all.
func (c *jetonsCache) oublier(cle string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case cle == cleTout:
		clear(c.entrees)
	case strings.HasPrefix(cle, prefixeJeton):
		delete(c.entrees, cle[len(prefixeJeton):])
	case strings.HasPrefix(cle, prefixeCompte):
		id := cle[len(prefixeCompte):]
		for k, e := range c.entrees {
			if e.jeton.ID == id {
				delete(c.entrees, k)
			}
		}
	}
}
