package app_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestCandidatSearchIgnoresAccents: the name search finds a name however
// it is typed, whatever the case, the accents, the Unicode normal form or
// the ligatures, and follows the names as they are updated.
func TestCandidatSearchIgnoresAccents(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		oeuvray := a.createCandidat("centre", candidatBody("Œuvray"))
		b := candidatBody("Schmidt")
		b["nom_usage"] = "Strauß"
		strauss := a.createCandidat("centre", b)
		finds := func(q string) map[string]bool {
			t.Helper()
			return noms(a.listCandidats("centre", "?nom="+url.QueryEscape(q)))
		}
		for _, tc := range []struct{ q, nom string }{
			{"lefe", "Lefèvre"},
			{"LEFÈ", "Lefèvre"},
			{"lefè", "Lefèvre"},
			{"lefe\u0300", "Lefèvre"}, // è typed as e and a combining grave accent (NFD)
			{"LÉFÊV", "Lefèvre"},      // accents where the name has none match too
			{"oeuv", "Œuvray"},
			{"œuv", "Œuvray"},
			{"OEUVRAY", "Œuvray"},
			{"nguyen", "Nguyễn"},
			{"NGUYÊN-MO", "Nguyễn"}, // the nom d'usage, Nguyễn-Moreau
			{"strauss", "Schmidt"},  // the nom d'usage, Strauß
			{"STRAUß", "Schmidt"},
		} {
			if got := finds(tc.q); len(got) != 1 || !got[tc.nom] {
				t.Errorf("nom=%q found %v, want %s only", tc.q, got, tc.nom)
			}
		}
		if got := finds("oeuvre"); len(got) != 0 {
			t.Errorf("nom=oeuvre found %v: the prefix is longer than Œuvray's key", got)
		}

		// An update moves the keys with the names.
		cur, rec := a.getCandidat("centre", strauss.ID)
		body := candidatAsRequest(t, rec)
		body["nom_usage"] = "Dupré"
		if rec := a.as("centre", "PUT", "/api/v1/candidats/"+strauss.ID, body, ifMatch(cur.Version)); rec.Code != http.StatusOK {
			t.Fatalf("update: %d %s", rec.Code, rec.Body)
		}
		if got := finds("dupre"); len(got) != 1 || !got["Schmidt"] {
			t.Errorf("nom=dupre after the update: %v", got)
		}
		if got := finds("strau"); len(got) != 0 {
			t.Errorf("nom=strau still finds %v after the nom d'usage changed", got)
		}

		// Pages of a folded search are cut by id as any other.
		for _, nom := range []string{"Oeuvrard", "Œuvrier", "OEUVRE", "Œuvreuse"} {
			a.createCandidat("centre", candidatBody(nom))
		}
		var ids []string
		q := "?limite=2&nom=" + url.QueryEscape("ŒUV")
		for page := a.listCandidats("centre", q); ; {
			for _, c := range page.Candidats {
				ids = append(ids, c.ID)
			}
			if page.Suivant == "" {
				break
			}
			page = a.listCandidats("centre", q+"&apres="+url.QueryEscape(page.Suivant))
		}
		if len(ids) != 5 || ids[0] != oeuvray.ID {
			t.Errorf("nom=ŒUV by 2: %d candidats (want 5, Œuvray first): %v", len(ids), ids)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i-1] >= ids[i] {
				t.Errorf("nom=ŒUV pages are not in id order: %v", ids)
			}
		}
	})
}
