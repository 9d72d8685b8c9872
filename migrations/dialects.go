package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

// Migrations whose SQL differs between the dialects, hence written in Go:
// triggers that make history unrewritable in the database itself, whatever
// code runs against it (the audit trail is append-only, version 3; an issued
// document's bytes and identity never change and it is never deleted,
// version 5), and the name-search indexes (versions 6 and 7).
const (
	appendOnlyVersion = 3
	documentsVersion  = 5
	searchVersion     = 6
	searchPageVersion = 7
)

// searchSQL indexes the candidat search by name prefix, which lowercases
// both sides. PostgreSQL needs text_pattern_ops for LIKE 'abc%' to use an
// index whatever the database's collation; SQLite lowercases through an
// application function no index can hold, so it gets none.
var searchSQL = map[string]struct{ up, down []string }{
	"postgres": {
		up: []string{
			`CREATE INDEX candidats_nom_naissance_lower_idx ON candidats (lower(nom_naissance) text_pattern_ops)`,
			`CREATE INDEX candidats_nom_usage_lower_idx ON candidats (lower(nom_usage) text_pattern_ops)`,
		},
		down: []string{
			`DROP INDEX candidats_nom_usage_lower_idx`,
			`DROP INDEX candidats_nom_naissance_lower_idx`,
		},
	},
	"sqlite": {},
}

// searchPageSQL makes the name indexes covering: the search takes a page
// of ids from each name's index, filtered by the columns a list filters on,
// without reading the rows of the thousands of candidats a short prefix
// matches (an index-only scan, once VACUUM has marked the pages visible).
// The name itself is included because PostgreSQL rechecks LIKE on the
// column, not on the indexed expression.
var searchPageSQL = map[string]struct{ up, down []string }{
	"postgres": {
		up: []string{
			`CREATE INDEX candidats_nom_naissance_page_idx ON candidats (lower(nom_naissance) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_naissance)`,
			`CREATE INDEX candidats_nom_usage_page_idx ON candidats (lower(nom_usage) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_usage)`,
			`DROP INDEX candidats_nom_usage_lower_idx`,
			`DROP INDEX candidats_nom_naissance_lower_idx`,
		},
		down: []string{
			`CREATE INDEX candidats_nom_naissance_lower_idx ON candidats (lower(nom_naissance) text_pattern_ops)`,
			`CREATE INDEX candidats_nom_usage_lower_idx ON candidats (lower(nom_usage) text_pattern_ops)`,
			`DROP INDEX candidats_nom_usage_page_idx`,
			`DROP INDEX candidats_nom_naissance_page_idx`,
		},
	},
	"sqlite": {},
}

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

var documentsSQL = map[string]struct{ up, down []string }{
	"postgres": {
		up: []string{
			`CREATE FUNCTION documents_immuables() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'documents are never deleted'; END IF;
				IF NEW.contenu IS DISTINCT FROM OLD.contenu OR NEW.sha256 IS DISTINCT FROM OLD.sha256
					OR NEW.numero IS DISTINCT FROM OLD.numero OR NEW.code_verification IS DISTINCT FROM OLD.code_verification THEN
					RAISE EXCEPTION 'an issued document never changes';
				END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER documents_immuables BEFORE UPDATE OR DELETE ON documents
			FOR EACH ROW EXECUTE FUNCTION documents_immuables()`,
		},
		down: []string{
			`DROP TRIGGER documents_immuables ON documents`,
			`DROP FUNCTION documents_immuables()`,
		},
	},
	"sqlite": {
		up: []string{
			`CREATE TRIGGER documents_immuables BEFORE UPDATE OF contenu, sha256, numero, code_verification ON documents
			BEGIN SELECT RAISE(ABORT, 'an issued document never changes'); END`,
			`CREATE TRIGGER documents_jamais_supprimes BEFORE DELETE ON documents
			BEGIN SELECT RAISE(ABORT, 'documents are never deleted'); END`,
		},
		down: []string{
			`DROP TRIGGER documents_immuables`,
			`DROP TRIGGER documents_jamais_supprimes`,
		},
	},
}

func goMigrations(dialect string) []*goose.Migration {
	return []*goose.Migration{
		dialectMigration(appendOnlyVersion, appendOnlySQL[dialect]),
		dialectMigration(documentsVersion, documentsSQL[dialect]),
		dialectMigration(searchVersion, searchSQL[dialect]),
		dialectMigration(searchPageVersion, searchPageSQL[dialect]),
	}
}

func dialectMigration(version int64, q struct{ up, down []string }) *goose.Migration {
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
	return goose.NewGoMigration(version, run(q.up), run(q.down))
}
