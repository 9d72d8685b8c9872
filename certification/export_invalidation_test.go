package certification

import (
	"context"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// CompteurRequetes counts the SQL statements a database runs, on every one
// of its pools.
type CompteurRequetes struct{ N atomic.Int64 }

func (c *CompteurRequetes) LogMode(logger.LogLevel) logger.Interface { return c }
func (c *CompteurRequetes) Info(context.Context, string, ...any)     {}
func (c *CompteurRequetes) Warn(context.Context, string, ...any)     {}
func (c *CompteurRequetes) Error(context.Context, string, ...any)    {}
func (c *CompteurRequetes) Trace(context.Context, time.Time, func() (string, int64), error) {
	c.N.Add(1)
}

// CompterRequetes makes db's statements counted by the returned counter.
func CompterRequetes(db *DB) *CompteurRequetes {
	c := &CompteurRequetes{}
	for _, g := range []*gorm.DB{db.DB, db.reader, db.search} {
		if g != nil {
			g.Config.Logger = c
		}
	}
	return c
}

// ArreterEcoute stops db's invalidation listener, as if its connection
// could not be opened again.
func ArreterEcoute(db *DB) { db.invalidation.arreter() }

// EcouteurPID is the backend of db's invalidation listener.
func EcouteurPID(db *DB) uint32 { return db.invalidation.pid.Load() }

// PreuveEcoute is when db's listener last proved it heard everything (0:
// not listening), on its own clock.
func PreuveEcoute(db *DB) int64 { return db.invalidation.preuve.Load() }

// DeconnexionAnnulee revokes token, and announces it, in a transaction
// that is then rolled back.
func DeconnexionAnnulee(ctx context.Context, s *Service, token string) error {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		hash := hashToken(token)
		if err := revokeJeton(tx, hash, s.now()); err != nil {
			return err
		}
		if err := invaliderCle(tx, prefixeJeton+hash); err != nil {
			return err
		}
		// Announced, then rolled back: PostgreSQL must drop it.
		if err := aInvaliderDe(tx).annoncer(tx, s.db.invalidation); err != nil {
			return err
		}
		return errRolledBack
	})
	if err == errRolledBack {
		return nil
	}
	return err
}

// InvalidationBorne is how stale a copy may be after another process's
// change.
const InvalidationBorne = invalidationBorne

// Entendu returns the keys db's listener hears from now on (PostgreSQL).
func Entendu(db *DB) <-chan string {
	ch := make(chan string, 64)
	f := func(cle string) {
		select {
		case ch <- cle:
		default:
		}
	}
	db.invalidation.entendu.Store(&f)
	return ch
}
