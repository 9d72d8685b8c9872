package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/migrations"
)

// TestStatistiquesSommaireBackfill: the migration that adds the statistics
// summary fills it from the enrolments and decisions already stored, with
// the rows the service's own recount gives them.
func TestStatistiquesSommaireBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		certtest.NewService(t, db) // loads the référentiel the data set uses
		certtest.GenResultats(t, db, 400, certtest.GenCentres(2))
		sqlDB, _ := db.DB.DB()
		lire := func() []string {
			var out []string
			for _, q := range []string{
				`SELECT session_id || '/' || parcours || ':' || candidats || ',' || titre || ',' || partiel || ',' || echec || ',' || absent
				 FROM statistiques_sessions ORDER BY session_id, parcours`,
				`SELECT session_id || '/' || bloc_id || ':' || evalues || ',' || acquis FROM statistiques_ccp ORDER BY session_id, bloc_id`,
			} {
				rows, err := sqlDB.QueryContext(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, scanStrings(t, rows)...)
			}
			return out
		}
		want := lire()
		if len(want) < 20 {
			t.Fatalf("the recount gave %d summary rows: the data set does not exercise the backfill", len(want))
		}
		v := versionOf(t, "_statistiques_sommaire.sql")
		var err error
		for cur := migrations.Latest(); cur >= v; {
			if cur, err = migrations.Down(ctx, sqlDB, db.Dialect); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := migrations.Up(ctx, sqlDB, db.Dialect); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, lire()); diff != "" {
			t.Errorf("backfilled summary (-recount +migration):\n%s", diff)
		}
	})
}

func scanStrings(t *testing.T, rows *sql.Rows) []string {
	t.Helper()
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
