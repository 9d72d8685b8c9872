package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// riverVersion is the version of River's schema this migration installs.
// A later River that needs more gets a migration of its own that calls
// rivermigrate up to its version: a merged migration never changes.
const riverVersion = 8

// The job queue (River) keeps its jobs in tables of the same database, so
// that a job is enqueued in the transaction of the change that causes it.
// River writes its own schema with its migrator, up to a fixed version, so
// that this migration does the same thing forever. On PostgreSQL it runs
// each of its versions in a transaction of its own and records them in
// river_migration: PostgreSQL refuses a value added to an enum in the
// transaction that uses it, and an interrupted run resumes where it stopped.
// On SQLite it runs in goose's transaction.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {
			upDB:   riverMigrateDB(rivermigrate.DirectionUp),
			downDB: riverMigrateDB(rivermigrate.DirectionDown),
		},
		"sqlite": {
			upGo:   riverMigrateTx(rivermigrate.DirectionUp),
			downGo: riverMigrateTx(rivermigrate.DirectionDown),
		},
	})
}

func riverMigrateOpts(dir rivermigrate.Direction) *rivermigrate.MigrateOpts {
	if dir == rivermigrate.DirectionDown {
		return &rivermigrate.MigrateOpts{TargetVersion: -1} // every River version: its tables go with this migration
	}
	return &rivermigrate.MigrateOpts{TargetVersion: riverVersion}
}

func riverMigrateDB(dir rivermigrate.Direction) func(ctx context.Context, db *sql.DB) error {
	return func(ctx context.Context, db *sql.DB) error {
		m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
		if err == nil {
			_, err = m.Migrate(ctx, dir, riverMigrateOpts(dir))
		}
		if err != nil {
			return fmt.Errorf("river schema %s: %w", dir, err)
		}
		return nil
	}
}

func riverMigrateTx(dir rivermigrate.Direction) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		m, err := rivermigrate.New(riversqlite.New(nil), nil)
		if err == nil {
			// Deprecated for batching versions that PostgreSQL cannot run in
			// one transaction; SQLite can, and goose holds its connection.
			//lint:ignore SA1019 see above
			_, err = m.MigrateTx(ctx, tx, dir, riverMigrateOpts(dir))
		}
		if err != nil {
			return fmt.Errorf("river schema %s: %w", dir, err)
		}
		return nil
	}
}
