package certification_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cipcert/cipcert/certification"
)

// TestUnavailableByType: an outage is recognised by the error's type and
// code, wrapped or not, and never by what its message says.
func TestUnavailableByType(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"pgconn conn closed", fmt.Errorf("store: x: %w", pgconn.ErrConnClosed), true},
		{"bad conn", fmt.Errorf("store: x: %w", driver.ErrBadConn), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"deadline", context.DeadlineExceeded, true},
		{"unique violation", &pgconn.PgError{Code: "23505", Message: "conn closed"}, false},
		{"message only", errors.New("conn closed"), false},
		{"database is locked, as text", errors.New("database is locked (5) (SQLITE_BUSY)"), false},
		{"nil", nil, false},
	} {
		if got := certification.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable = %v, want %v", c.name, got, c.want)
		}
	}
}
