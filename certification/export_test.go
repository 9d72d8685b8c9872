package certification

import (
	"context"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// LockSession exposes the locking helper to the external tests.
func LockSession(tx *gorm.DB, id string) error { return lockSession(tx, id, lockExclusive) }

// DummyHash exposes the hash an unknown identifiant is compared against.
func (s *Service) DummyHash() []byte { return s.dummyHash }

// AvecPgx exposes the native connection helper to the external tests.
func (db *DB) AvecPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	return avecPgx(ctx, db.DB, fn)
}
