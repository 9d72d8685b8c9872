package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/cipcert/cipcert/certification/search"
)

// Two changes that make the centre's pages fast and its name search
// forgiving.
//
// A name search ignores case and accents: « lefe », « LEFÈ » or « oeuvre »
// find « Lefèvre » and « Œuvre ». Neither dialect can fold a name the way
// the application does (PostgreSQL's unaccent is an extension a database
// may lack, SQLite has nothing), so each name's search key is computed in
// Go (search.Key) and stored beside it by every write; here, existing
// names are folded once. On PostgreSQL the keys replace the lower(name)
// indexes of versions 6 and 7, covering in the same way: a page of ids is
// read from the index without touching the rows.
//
// The référentiel is read on most pages and changes a few times a year:
// the service keeps it in memory, and referentiel_generation is the one
// row that every référentiel write increments in its own transaction, so
// that every process sees when its copy is stale.
func init() {
	common := []string{
		`ALTER TABLE candidats ADD COLUMN nom_naissance_recherche TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE candidats ADD COLUMN nom_usage_recherche TEXT NOT NULL DEFAULT ''`,
		`CREATE TABLE referentiel_generation (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			generation BIGINT NOT NULL
		)`,
	}
	commonDown := []string{
		`DROP TABLE referentiel_generation`,
		`ALTER TABLE candidats DROP COLUMN nom_usage_recherche`,
		`ALTER TABLE candidats DROP COLUMN nom_naissance_recherche`,
	}
	registerDialectSQL(dialectSQL{
		"postgres": {
			up: append(common,
				`CREATE INDEX candidats_nom_naissance_recherche_idx ON candidats (nom_naissance_recherche text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at)`,
				`CREATE INDEX candidats_nom_usage_recherche_idx ON candidats (nom_usage_recherche text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at)`,
				`DROP INDEX candidats_nom_usage_page_idx`,
				`DROP INDEX candidats_nom_naissance_page_idx`,
			),
			down: append([]string{
				`CREATE INDEX candidats_nom_naissance_page_idx ON candidats (lower(nom_naissance) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_naissance)`,
				`CREATE INDEX candidats_nom_usage_page_idx ON candidats (lower(nom_usage) text_pattern_ops)
			INCLUDE (id, centre_id, parcours, archive_at, nom_usage)`,
				`DROP INDEX candidats_nom_usage_recherche_idx`,
				`DROP INDEX candidats_nom_naissance_recherche_idx`,
			}, commonDown...),
		},
		"sqlite": {up: common, down: commonDown},
	})
	registerFill(func(ctx context.Context, tx *sql.Tx, dialect string) error {
		// The generation starts from the clock rather than from 1, so
		// that a table dropped and created again (migrate down, then up)
		// never restarts at a number a running process has already seen.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO referentiel_generation (id, generation) VALUES (1, %d)`,
			time.Now().UnixMicro())); err != nil {
			return err
		}
		return foldCandidatNames(ctx, tx, dialect)
	})
}

// foldCandidatNames stores the search key of every candidat's names. Names
// repeat (a million candidats share a few thousand noms), so each distinct
// name is folded once, into a temporary table that one UPDATE then reads
// by its primary key.
func foldCandidatNames(ctx context.Context, tx *sql.Tx, dialect string) error {
	rows, err := tx.QueryContext(ctx, `SELECT nom_naissance FROM candidats UNION SELECT nom_usage FROM candidats`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE cles_noms (nom TEXT PRIMARY KEY, cle TEXT NOT NULL)`); err != nil {
		return err
	}
	const batch = 500
	for start := 0; start < len(names); start += batch {
		part := names[start:min(start+batch, len(names))]
		values := make([]string, len(part))
		args := make([]any, 0, 2*len(part))
		for i, n := range part {
			if dialect == "postgres" {
				values[i] = fmt.Sprintf("($%d, $%d)", 2*i+1, 2*i+2)
			} else {
				values[i] = "(?, ?)"
			}
			args = append(args, n, search.Key(n))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cles_noms (nom, cle) VALUES `+strings.Join(values, ", "), args...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE candidats SET
		nom_naissance_recherche = (SELECT cle FROM cles_noms WHERE nom = candidats.nom_naissance),
		nom_usage_recherche = (SELECT cle FROM cles_noms WHERE nom = candidats.nom_usage)`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE cles_noms`)
	return err
}
