package migrations_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/migrations"
)

// TestNomsRechercheFolded: migrating a database that has candidats folds
// their names into the search keys, as the service folds those it writes.
func TestNomsRechercheFolded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		certtest.Seed(t, certtest.NewService(t, db))
		sqlDB, _ := db.DB.DB()
		// Down to the version before the keys, whatever its number.
		for db.Exec(`SELECT nom_naissance_recherche FROM candidats LIMIT 1`).Error == nil {
			if v, err := migrations.Down(ctx, sqlDB, db.Dialect); err != nil || v == 0 {
				t.Fatalf("down to %d: %v", v, err)
			}
		}
		if _, err := migrations.Up(ctx, sqlDB, db.Dialect); err != nil {
			t.Fatalf("up: %v", err)
		}
		var rows []struct{ NomNaissance, NomUsage, NomNaissanceRecherche, NomUsageRecherche string }
		if err := db.Table("candidats").Select("nom_naissance, nom_usage, nom_naissance_recherche, nom_usage_recherche").
			Order("nom_naissance").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{
			"Kowalski": {"kowalski", ""},
			"Lefèvre":  {"lefevre", ""},
			"Nguyễn":   {"nguyen", "nguyen-moreau"},
			"Popescu":  {"popescu", ""},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d candidats, want %d: %+v", len(rows), len(want), rows)
		}
		for _, r := range rows {
			w, ok := want[r.NomNaissance]
			if !ok || r.NomNaissanceRecherche != w[0] || r.NomUsageRecherche != w[1] {
				t.Errorf("%s / %s folded to %q / %q, want %q / %q", r.NomNaissance, r.NomUsage,
					r.NomNaissanceRecherche, r.NomUsageRecherche, w[0], w[1])
			}
		}
	})
}
