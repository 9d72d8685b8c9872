// Package migrations holds the versioned schema of cipcert, embedded in the
// binary and applied by goose: one file per version, numbered without gaps
// from 00001, so that the directory listing reads as the schema's history.
// The embedded SQLite default and production PostgreSQL share that history.
//
// A version is an SQL file when its statements are written in the SQL
// common to both dialects (00001_fondation.sql): a `-- +goose Up` section,
// then a `-- +goose Down` section that undoes it. It is a Go file when the
// dialects need different statements (triggers, PostgreSQL-only indexes):
// the file's init passes registerDialectSQL the up and down statements of
// each dialect (see 00003_evenements_append_only.go); the version is the
// number that starts the file's name, as for an SQL file.
//
// To add a version, take the next number after the highest file, NNNNN_what.sql
// or NNNNN_what.go, with a down that restores the previous schema exactly.
// Never edit a version once merged: databases already at it would not notice.
// TestVersionsContiguous fails on a gap, a duplicate or a missing down, and
// TestUpDownUp applies and reverts every version on both dialects.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

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
	return goose.NewProvider(d, db, files,
		goose.WithDisableGlobalRegistry(true),
		goose.WithGoMigrations(goMigrations(dialect)...))
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

// Latest is the version of the newest migration, SQL or Go.
func Latest() int64 {
	var latest int64
	for v := range goSources {
		latest = max(latest, v)
	}
	names, _ := fs.Glob(files, "*.sql")
	for _, n := range names {
		if v, err := goose.NumericComponent(n); err == nil {
			latest = max(latest, v)
		}
	}
	return latest
}
