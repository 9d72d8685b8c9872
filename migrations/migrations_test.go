package migrations_test

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/migrations"
)

// tables lists the user tables of db, goose's bookkeeping excluded.
func tables(t *testing.T, db *certification.DB) []string {
	t.Helper()
	var names []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`
	if db.Dialect == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`
	}
	if err := db.Raw(q).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func TestUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	latest := migrations.Latest()
	if latest < 1 {
		t.Fatalf("Latest() = %d, want a positive version", latest)
	}
	schemas := map[string][]string{}
	for _, dialect := range certtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			db := certtest.OpenEmpty(t, dialect)
			sqlDB, _ := db.DB.DB()
			v, err := migrations.Up(ctx, sqlDB, dialect)
			if err != nil || v != latest {
				t.Fatalf("Up = %d, %v; want %d", v, err, latest)
			}
			first := tables(t, db)
			if len(first) == 0 {
				t.Fatal("no table after Up")
			}
			if err := migrations.Reset(ctx, sqlDB, dialect); err != nil {
				t.Fatalf("Reset: %v", err)
			}
			if got := tables(t, db); len(got) != 0 {
				t.Fatalf("tables left after Reset: %v", got)
			}
			if v, err := migrations.Up(ctx, sqlDB, dialect); err != nil || v != latest {
				t.Fatalf("Up after Reset = %d, %v; want %d", v, err, latest)
			}
			again := tables(t, db)
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("schema differs after down then up (-first +again):\n%s", diff)
			}
			st, err := migrations.List(ctx, sqlDB, dialect)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if !s.Applied {
					t.Errorf("migration %d not applied", s.Version)
				}
			}
			schemas[dialect] = again
		})
	}
	if pg, ok := schemas["postgres"]; ok {
		if diff := cmp.Diff(schemas["sqlite"], pg); diff != "" {
			t.Errorf("dialects disagree on the tables (-sqlite +postgres):\n%s", diff)
		}
	}
}

func TestDownOneStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		sqlDB, _ := db.DB.DB()
		v, err := migrations.Down(ctx, sqlDB, db.Dialect)
		if err != nil || v != migrations.Latest()-1 {
			t.Fatalf("Down = %d, %v; want %d", v, err, migrations.Latest()-1)
		}
		if v, err := migrations.Up(ctx, sqlDB, db.Dialect); err != nil || v != migrations.Latest() {
			t.Fatalf("Up = %d, %v", v, err)
		}
	})
}

func TestEvenementsAreAppendOnly(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ins := `INSERT INTO evenements (id, at, role, action, objet, objet_id) VALUES ('e1', '2026-11-23 10:00:00', 'jury', 'resultat', 'evaluation', 'x')`
		if err := db.Exec(ins).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`UPDATE evenements SET action = 'falsifie' WHERE id = 'e1'`).Error; err == nil {
			t.Error("UPDATE on evenements succeeded, want it refused")
		}
		if err := db.Exec(`DELETE FROM evenements WHERE id = 'e1'`).Error; err == nil {
			t.Error("DELETE on evenements succeeded, want it refused")
		}
		var action string
		db.Raw(`SELECT action FROM evenements WHERE id = 'e1'`).Scan(&action)
		if action != "resultat" {
			t.Errorf("action = %q after refused writes, want resultat", action)
		}
	})
}
