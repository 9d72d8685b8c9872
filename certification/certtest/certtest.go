// Package certtest gives tests a migrated database on every dialect:
// SQLite always, and PostgreSQL when TEST_DATABASE_URL is set. Each test gets
// its own SQLite file or PostgreSQL schema, dropped when it ends.
//
// When TEST_DATABASE_URL is set but PostgreSQL cannot be reached, or when CI
// is set without TEST_DATABASE_URL, tests fail instead of skipping: a green
// run must mean the PostgreSQL suite ran.
package certtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/fixtures"
	"github.com/cipcert/cipcert/migrations"
	"github.com/cipcert/cipcert/pdf"
)

// Now is the fixed clock of test services.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Dialects lists the dialects this run covers.
func Dialects(tb testing.TB) []string {
	tb.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{"sqlite", "postgres"}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("CI is set but TEST_DATABASE_URL is not: the PostgreSQL suite must run in CI")
	}
	return []string{"sqlite"}
}

// ForEachDB runs fn as one subtest per dialect, each with a fresh migrated
// database of its own. The subtests run in parallel with each other and
// with the other parallel tests of the package: fn must not rely on any
// state shared with another test.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *certification.DB)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated database of the given dialect: its own
// SQLite file or PostgreSQL schema. Copying a migrated template measured no
// better: on SQLite the migrations take about 2 ms, as long as the copy; on
// PostgreSQL a database copied per test from a template made the suite
// slower, as each DROP DATABASE waits for a checkpoint.
func Open(tb testing.TB, dialect string) *certification.DB {
	tb.Helper()
	db := OpenEmpty(tb, dialect)
	sqlDB, err := db.DB.DB()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := migrations.Up(context.Background(), sqlDB, db.Dialect); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	return db
}

// OpenEmpty returns a fresh database with no schema.
func OpenEmpty(tb testing.TB, dialect string) *certification.DB {
	tb.Helper()
	var target string
	switch dialect {
	case "sqlite":
		target = filepath.Join(tb.TempDir(), "test.db")
	case "postgres":
		target = postgresSchema(tb)
	default:
		tb.Fatalf("unknown dialect %q", dialect)
	}
	db, err := certification.Open(target)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// The copies of the database are used once it listens for their
	// invalidations: statement counts do not depend on when that was.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.AttendreInvalidations(ctx); err != nil {
		tb.Fatalf("%s: invalidation listener not connected: %v", dialect, err)
	}
	return db
}

// postgresSchema creates a schema of its own for the test and returns a URL
// whose connections use it.
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		tb.Fatal("TEST_DATABASE_URL is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		tb.Fatalf("PostgreSQL at TEST_DATABASE_URL is unreachable: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Options returns the options of test services: the fixed clock Now, a
// cheap password hash, the rule parameters of the fixtures, the PDF
// renderer and the test seal. A test changes what it needs and passes them to NewServiceWith.
func Options(tb testing.TB) certification.Options {
	tb.Helper()
	p, err := fixtures.Parametres()
	if err != nil {
		tb.Fatal(err)
	}
	conservation, err := fixtures.Conservation()
	if err != nil {
		tb.Fatal(err)
	}
	return certification.Options{
		Conservation: conservation,
		Now:          func() time.Time { return Now },
		Parametres:   p,
		Renderer:     pdf.New(),
		PublicURL:    "https://cipcert.test",
		BcryptCost:   bcrypt.MinCost,
		Sceau:        Sceau(tb),
		// The second factors' secrets are sealed, as in production.
		CleTOTP: []byte("cipcert-cle-de-test-32-octets-!!"),
	}
}

// NewService returns a service on db with Options and the référentiel loaded.
func NewService(tb testing.TB, db *certification.DB) *certification.Service {
	tb.Helper()
	return NewServiceWith(tb, db, Options(tb))
}

// NewServiceWith returns a service on db with opt and the référentiel loaded.
func NewServiceWith(tb testing.TB, db *certification.DB, opt certification.Options) *certification.Service {
	tb.Helper()
	svc, err := certification.NewService(db, opt)
	if err != nil {
		tb.Fatal(err)
	}
	if err := fixtures.LoadReferentiel(context.Background(), svc); err != nil {
		tb.Fatal(err)
	}
	return svc
}

// Seed loads the whole demo data set, sessions included, into svc's database.
func Seed(tb testing.TB, svc *certification.Service) {
	tb.Helper()
	SeedWith(tb, svc, true)
}

// SeedWith loads the demo data set with or without the demo sessions.
func SeedWith(tb testing.TB, svc *certification.Service, sessions bool) {
	tb.Helper()
	if _, err := fixtures.SeedWith(context.Background(), svc, sessions); err != nil {
		tb.Fatal(err)
	}
}
