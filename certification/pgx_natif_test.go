package certification_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestAvecPgx: the native connection reaches the same database as the
// pool, and on SQLite the helper answers an error rather than a panic.
func TestAvecPgx(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		var n int
		err := db.AvecPgx(context.Background(), func(c *pgx.Conn) error {
			return c.QueryRow(context.Background(), "SELECT count(*) FROM titres").Scan(&n)
		})
		if db.Dialect != "postgres" {
			if err == nil {
				t.Fatal("AvecPgx on SQLite: want an error")
			}
			return
		}
		var want int64
		if err := db.Raw("SELECT count(*) FROM titres").Scan(&want).Error; err != nil {
			t.Fatal(err)
		}
		if err != nil || int64(n) != want {
			t.Fatalf("AvecPgx: %d titres, %v; want %d, nil", n, err, want)
		}
	})
}
