// Package migrations holds the versioned SQL schema of cipcert, embedded in
// the binary and applied by goose. Each file has an up and a down section and
// is written in the SQL common to PostgreSQL and SQLite, so that the embedded
// default and production share one schema history.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

// Status is the state of one migration in a database.
type Status struct {
	Version int64
	Name    string
	Applied bool
}

func provider(db *sql.DB, dialect string) (*goose.Provider, error) {
	var d goose.Dialect
	switch dialect {
	case "postgres":
		d = goose.DialectPostgres
	case "sqlite":
		d = goose.DialectSQLite3
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	return goose.NewProvider(d, db, files, goose.WithGoMigrations(goMigrations(dialect)...))
}

// Up applies every pending migration and returns the resulting version.
func Up(ctx context.Context, db *sql.DB, dialect string) (int64, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Down rolls back the most recent migration and returns the resulting version.
func Down(ctx context.Context, db *sql.DB, dialect string) (int64, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return 0, err
	}
	if _, err := p.Down(ctx); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Reset rolls back every migration.
func Reset(ctx context.Context, db *sql.DB, dialect string) error {
	p, err := provider(db, dialect)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, 0)
	return err
}

// List reports every known migration and whether it is applied.
func List(ctx context.Context, db *sql.DB, dialect string) ([]Status, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, len(st))
	for i, s := range st {
		out[i] = Status{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied}
	}
	return out, nil
}

// Latest is the version of the newest migration: the Go ones, or the number
// that starts an SQL file's name.
func Latest() int64 {
	names, _ := fs.Glob(files, "*.sql")
	latest := int64(searchPageVersion)
	for _, n := range names {
		num, _, _ := strings.Cut(n, "_")
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
