package migrations_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/migrations"
)

// TestNomsNFC stores names in decomposed form, as the service accepted
// them before it normalised its input, then applies the migration that
// composes them: they come out in NFC, and a refused character stays
// where it was (it is reported, not silently stripped).
func TestNomsNFC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		sqlDB, _ := db.DB.DB()
		for _, q := range []string{
			`INSERT INTO titres (id, code, intitule, niveau, nsf, rome, rncp) VALUES ('t', 'TP-1', 'T', 5, '332t', 'K1801', 'RNCP1')`,
			`INSERT INTO centres (id, nom, siret, adresse, code_postal, ville, region, created_at, updated_at)
			 VALUES ('c', 'Forma\u0301tion', '1', 'a', '69001', 'Saint-E` + "\u0301" + `tienne', 'Re` + "\u0301" + `gion', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
			`INSERT INTO candidats (id, centre_id, titre_id, parcours, nom_naissance, nom_usage, prenoms, date_naissance, lieu_naissance, email, created_at, updated_at)
			 VALUES ('k1', 'c', 't', 'vae', 'Lefe` + "\u0300" + `vre', '', 'Ame` + "\u0301" + `lie', '1990-01-01', 'Lyon', 'x@example.fr', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
			`INSERT INTO candidats (id, centre_id, titre_id, parcours, nom_naissance, nom_usage, prenoms, date_naissance, lieu_naissance, email, created_at, updated_at)
			 VALUES ('k2', 'c', 't', 'vae', 'Test` + "\u202e" + `e` + "\u0301" + `', '', 'Jean', '1990-01-01', 'Lyon', 'x@example.fr', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`,
			`INSERT INTO jury_membres (id, nom, prenoms, email, created_at) VALUES ('m', 'Nguye` + "\u0302\u0303" + `n', 'Thi` + "\u0323" + `', 'm@example.fr', '2026-01-01 00:00:00')`,
			`INSERT INTO utilisateurs (id, identifiant, nom, mot_de_passe_hash, role, created_at) VALUES ('u', 'u', 'Chloe` + "\u0301" + `', '!', 'jury', '2026-01-01 00:00:00')`,
		} {
			if _, err := sqlDB.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Down to before the migration, then up, runs it again over the rows
		// above, whatever migrations came after it.
		nfc := versionOf(t, "_noms_nfc.go")
		var err error
		for v := migrations.Latest(); v >= nfc; {
			if v, err = migrations.Down(ctx, sqlDB, db.Dialect); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := migrations.Up(ctx, sqlDB, db.Dialect); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ query, want string }{
			{`SELECT nom_naissance FROM candidats WHERE id = 'k1'`, "Lefèvre"},
			{`SELECT prenoms FROM candidats WHERE id = 'k1'`, "Amélie"},
			{`SELECT nom_naissance FROM candidats WHERE id = 'k2'`, "Test\u202eé"},
			{`SELECT nom FROM jury_membres WHERE id = 'm'`, "Nguyễn"},
			{`SELECT prenoms FROM jury_membres WHERE id = 'm'`, "Thị"},
			{`SELECT nom FROM utilisateurs WHERE id = 'u'`, "Chloé"},
			{`SELECT ville FROM centres WHERE id = 'c'`, "Saint-Étienne"},
			{`SELECT region FROM centres WHERE id = 'c'`, "Région"},
		} {
			var got string
			if err := sqlDB.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s = %+q, want %+q", c.query, got, c.want)
			}
		}
	})
}

// versionOf is the version of the migration whose file name ends with
// suffix, read from the file's name as goose reads it.
func versionOf(t *testing.T, suffix string) int64 {
	t.Helper()
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if n, ok := strings.CutSuffix(f.Name(), suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", f.Name(), err)
			}
			return v
		}
	}
	t.Fatalf("no migration file ends with %s", suffix)
	return 0
}
