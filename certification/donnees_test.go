package certification_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// TestDonneesPersonnelles: the candidat's export holds every column of
// every table that holds personal data (secrets named and left out), rows
// of its own only; and every table of the schema is classified, so that a
// new table holding personal data cannot be forgotten.
func TestDonneesPersonnelles(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		if _, err := fixtures.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		moi := actor(t, svc, "candidat")

		var tables []string
		q := "SELECT name FROM sqlite_master WHERE type = 'table'"
		if db.Dialect == "postgres" {
			q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
		}
		if err := db.Raw(q).Scan(&tables).Error; err != nil || len(tables) < 20 {
			t.Fatalf("schema: %v %v", tables, err)
		}
		personnelles := certification.TablesDonneesCandidat()
		for _, tb := range tables {
			_, sans := certification.TablesSansDonneesCandidat[tb]
			if avec := slices.Contains(personnelles, tb); avec == sans {
				t.Errorf("table %s: listed with personal data %v, without %v; classify it once (certification/donnees.go)", tb, avec, sans)
			}
		}
		for _, tb := range personnelles {
			if !slices.Contains(tables, tb) {
				t.Errorf("table %s is listed but not in the schema", tb)
			}
		}

		d, err := svc.DonneesPersonnelles(ctx, moi)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		byTable := map[string]certification.TableDonnees{}
		for _, td := range d.Tables {
			byTable[td.Table] = td
			rows, err := db.Raw("SELECT * FROM " + td.Table + " WHERE 1 = 0").Rows()
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			rows.Close()
			var got []string
			got = append(got, td.Colonnes...)
			for c := range td.Omises {
				got = append(got, c)
			}
			sort.Strings(got)
			sort.Strings(cols)
			if !slices.Equal(got, cols) {
				t.Errorf("%s: export columns %v, table columns %v", td.Table, got, cols)
			}
			for _, l := range td.Lignes {
				if len(l) != len(td.Colonnes) {
					t.Errorf("%s: a row with %d columns of %d", td.Table, len(l), len(td.Colonnes))
				}
				if id, ok := l["candidat_id"]; ok && id != nil && id != moi.CandidatID {
					t.Errorf("%s: a row of candidat %v", td.Table, id)
				}
			}
		}
		count := func(q string) int {
			var n int
			if err := db.Raw(q, moi.CandidatID).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		for tb, want := range map[string]int{
			"candidats":              1,
			"utilisateurs":           1,
			"inscriptions":           count("SELECT COUNT(*) FROM inscriptions WHERE candidat_id = ?"),
			"evaluations":            count("SELECT COUNT(*) FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id WHERE i.candidat_id = ?"),
			"candidat_ecf":           count("SELECT COUNT(*) FROM candidat_ecf WHERE candidat_id = ?"),
			"evenements":             count("SELECT COUNT(*) FROM evenements WHERE candidat_id = ?"),
			"jetons":                 count("SELECT COUNT(*) FROM jetons j JOIN utilisateurs u ON u.id = j.utilisateur_id WHERE u.candidat_id = ?"),
			"documents":              count("SELECT COUNT(*) FROM documents WHERE candidat_id = ?") + 1, // and its session's PV
			"demandes_droits":        0,
			"candidat_recevabilites": 0,
		} {
			if got := len(byTable[tb].Lignes); got != want || (tb != "demandes_droits" && tb != "candidat_recevabilites" && want == 0) {
				t.Errorf("%s: %d rows exported, want %d (> 0)", tb, got, want)
			}
		}
		c := byTable["candidats"].Lignes[0]
		if c["nom_naissance"] != "Lefèvre" || c["prenoms"] != "Camille Éloïse" || c["email"] == "" {
			t.Errorf("the dossier: %v", c)
		}
		var secrets []string
		db.Raw("SELECT mot_de_passe_hash FROM utilisateurs WHERE candidat_id = ?", moi.CandidatID).Scan(&secrets)
		for _, l := range byTable["utilisateurs"].Lignes {
			if _, ok := l["mot_de_passe_hash"]; ok || len(secrets) != 1 || strings.Contains(string(raw), secrets[0]) {
				t.Errorf("the export holds the password's hash")
			}
		}
		for _, l := range byTable["documents"].Lignes {
			if _, ok := l["contenu"]; ok {
				t.Errorf("the export holds a document's bytes")
			}
		}
		var autres []struct{ ID, NomNaissance, Email string }
		db.Raw("SELECT id, nom_naissance, email FROM candidats WHERE id <> ?", moi.CandidatID).Scan(&autres)
		if len(autres) != 3 {
			t.Fatalf("%d other candidats", len(autres))
		}
		for _, o := range autres {
			for _, v := range []string{o.ID, o.NomNaissance, o.Email} {
				if strings.Contains(string(raw), v) {
					t.Errorf("the export mentions another candidat: %s", v)
				}
			}
		}

		if _, err := svc.DonneesPersonnelles(ctx, actor(t, svc, "centre")); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("a centre's export: %v, want ErrForbidden", err)
		}
	})
}
