package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// appendOnlyVersion makes the audit trail append-only in the database itself,
// so that no code path, present or future, can rewrite history. Trigger
// syntax differs between the dialects, hence a Go migration.
const appendOnlyVersion = 3

var appendOnlySQL = map[string]struct{ up, down []string }{
	"postgres": {
		up: []string{
			`CREATE FUNCTION evenements_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'evenements is append-only'; END $$`,
			`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE OR DELETE ON evenements
			FOR EACH ROW EXECUTE FUNCTION evenements_immuables()`,
		},
		down: []string{
			`DROP TRIGGER evenements_pas_de_modification ON evenements`,
			`DROP FUNCTION evenements_immuables()`,
		},
	},
	"sqlite": {
		up: []string{
			`CREATE TRIGGER evenements_pas_de_modification BEFORE UPDATE ON evenements
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
			`CREATE TRIGGER evenements_pas_de_suppression BEFORE DELETE ON evenements
			BEGIN SELECT RAISE(ABORT, 'evenements is append-only'); END`,
		},
		down: []string{
			`DROP TRIGGER evenements_pas_de_modification`,
			`DROP TRIGGER evenements_pas_de_suppression`,
		},
	},
}

func appendOnly(dialect string) *goose.Migration {
	run := func(stmts []string) *goose.GoFunc {
		return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	q := appendOnlySQL[dialect]
	return goose.NewGoMigration(appendOnlyVersion, run(q.up), run(q.down))
}
