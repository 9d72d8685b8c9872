package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

func TestTitreCIP(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		rec := a.as("candidat", "GET", "/api/v1/titres/TP-00403", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var titre struct {
			Code, Intitule, NSF, RNCP string
			Niveau                    int
			Versions                  []struct {
				Debut, Fin string
				CCP        []struct {
					Code, Intitule string
					Competences    []struct{ Intitule string }
				}
			}
		}
		mustJSON(t, rec, &titre)
		if titre.Intitule != "Conseiller en insertion professionnelle" || titre.Niveau != 5 || titre.NSF != "332t" || titre.RNCP != "RNCP37274" {
			t.Errorf("titre = %+v", titre)
		}
		if len(titre.Versions) != 1 || titre.Versions[0].Debut != "2023-03-23" || titre.Versions[0].Fin != "2028-03-22" {
			t.Fatalf("versions = %+v", titre.Versions)
		}
		ccp := titre.Versions[0].CCP
		var counts []int
		for _, c := range ccp {
			counts = append(counts, len(c.Competences))
		}
		if len(ccp) != 3 || counts[0] != 5 || counts[1] != 6 || counts[2] != 4 {
			t.Fatalf("compétences per CCP = %v, want [5 6 4]", counts)
		}
		if want := "Mettre en œuvre une offre de services auprès des employeurs pour favoriser l'insertion professionnelle"; ccp[2].Intitule != want {
			t.Errorf("CCP3 = %q, want %q", ccp[2].Intitule, want)
		}

		wantProblem(t, a.as("centre", "GET", "/api/v1/titres/TP-99999", nil), http.StatusNotFound, "")
		wantProblem(t, a.do("GET", "/api/v1/titres", "", nil), http.StatusUnauthorized, "")
	})
}

func TestReferentielLoadIsIdempotent(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		tables := []string{"titres", "titre_versions", "blocs", "competences", "correspondances"}
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = a.count(tb)
		}
		certtest.NewService(t, db) // loads the référentiel a second time
		for _, tb := range tables {
			if got := a.count(tb); got != before[tb] {
				t.Errorf("%s: %d rows after reload, want %d", tb, got, before[tb])
			}
		}
		if before["competences"] != 15 || before["blocs"] != 3 {
			t.Errorf("loaded %d blocs and %d compétences, want 3 and 15", before["blocs"], before["competences"])
		}
	})
}
