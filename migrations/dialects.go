package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sort"

	"github.com/pressly/goose/v3"
)

// dialectSQL is a Go migration whose statements differ between the
// dialects: for each dialect, the statements of its up and of its down, run
// in order in one transaction. A dialect that needs nothing has an entry
// with no statement, so that a forgotten dialect is an error, not a no-op.
//
// upGo, when set, runs after the up statements, in the same transaction:
// for a change of the data that SQL cannot express in both dialects.
//
// downGo, when set, runs before the down statements, in the same
// transaction: for a schema another library writes and removes itself (the
// job queue's).
//
// upDB and downDB, when set, are the whole migration, run outside any
// transaction: for such a schema when PostgreSQL cannot run all its steps in
// one transaction (a value added to an enum type is usable only once
// committed). SQLite keeps upGo and downGo: goose holds its single
// connection while it migrates.
type dialectSQL map[string]struct {
	up, down     []string
	upGo, downGo func(ctx context.Context, tx *sql.Tx) error
	upDB, downDB func(ctx context.Context, db *sql.DB) error
}

// goSources are the Go migrations by version, registered by the init of
// their own file.
var goSources = map[int64]dialectSQL{}

// fillFunc is work a migration does in Go after its up statements, in the
// same transaction, when SQL cannot do it alike on both dialects (names
// folded for search exactly as the application folds them).
type fillFunc func(ctx context.Context, tx *sql.Tx, dialect string) error

// goFills are the fills by version, registered with registerFill beside
// the version's statements.
var goFills = map[int64]fillFunc{}

// registerDialectSQL records the migration of the calling file, whose
// version is the number that starts its name, as goose reads it for an SQL
// file. Each Go migration file calls it once from its init.
func registerDialectSQL(m dialectSQL) {
	_, file, _, ok := runtime.Caller(1)
	if !ok {
		panic("migrations: cannot tell which file registers a migration")
	}
	v, err := goose.NumericComponent(file)
	if err != nil {
		panic(fmt.Sprintf("migrations: %s: %v", file, err))
	}
	if _, dup := goSources[v]; dup {
		panic(fmt.Sprintf("migrations: version %d registered twice (%s)", v, file))
	}
	for _, d := range []string{"postgres", "sqlite"} {
		if _, ok := m[d]; !ok {
			panic(fmt.Sprintf("migrations: %s has nothing for %s", file, d))
		}
	}
	goSources[v] = m
}

// registerFill adds to the migration of the calling file a fill run after
// its up statements. Its down needs none: the up statements add what the
// fill writes into, and the down statements drop it.
func registerFill(fill fillFunc) {
	_, file, _, ok := runtime.Caller(1)
	if !ok {
		panic("migrations: cannot tell which file registers a fill")
	}
	v, err := goose.NumericComponent(file)
	if err != nil {
		panic(fmt.Sprintf("migrations: %s: %v", file, err))
	}
	goFills[v] = fill
}

// goMigrations are the Go migrations for one dialect, in version order.
func goMigrations(dialect string) []*goose.Migration {
	versions := make([]int64, 0, len(goSources))
	for v := range goSources {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	out := make([]*goose.Migration, 0, len(versions))
	for _, v := range versions {
		q := goSources[v][dialect]
		if q.upDB != nil {
			out = append(out, goose.NewGoMigration(v, &goose.GoFunc{RunDB: q.upDB}, &goose.GoFunc{RunDB: q.downDB}))
			continue
		}
		up := runAll(q.up)
		upGo, fill := q.upGo, goFills[v]
		if upGo != nil || fill != nil {
			stmts := up.RunTx
			up = &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				if err := stmts(ctx, tx); err != nil {
					return err
				}
				if upGo != nil {
					if err := upGo(ctx, tx); err != nil {
						return err
					}
				}
				if fill == nil {
					return nil
				}
				return fill(ctx, tx, dialect)
			}}
		}
		down := runAll(q.down)
		if downGo := q.downGo; downGo != nil {
			stmts := down.RunTx
			down = &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				if err := downGo(ctx, tx); err != nil {
					return err
				}
				return stmts(ctx, tx)
			}}
		}
		out = append(out, goose.NewGoMigration(v, up, down))
	}
	return out
}

func runAll(stmts []string) *goose.GoFunc {
	return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}}
}
