package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestQueryParametersCapped: filters longer than any name, or ids that are
// not ids, answer 400 with the parameter named, on both databases; SQLite
// used to answer 500 ("LIKE or GLOB pattern too complex") for a long name.
func TestQueryParametersCapped(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		q := func(k, v string) string { return url.Values{k: {v}}.Encode() }
		for _, c := range []struct{ name, path, field string }{
			{"nom of 50 000 characters", "/api/v1/candidats?" + q("nom", strings.Repeat("x", 50000)), "nom"},
			{"nom of 25 000 underscores", "/api/v1/candidats?" + q("nom", strings.Repeat("_", 25000)), "nom"},
			{"nom of 101 letters", "/api/v1/candidats?" + q("nom", strings.Repeat("é", 101)), "nom"},
			{"apres not an id", "/api/v1/candidats?apres=zzz", "apres"},
			{"centre_id not an id", "/api/v1/candidats?centre_id=%25", "centre_id"},
			{"sessions apres not an id", "/api/v1/sessions?apres=" + strings.Repeat("9", 300), "apres"},
			{"documents candidat_id not an id", "/api/v1/documents?candidat_id=x", "candidat_id"},
			{"documents session_id not an id", "/api/v1/documents?session_id=x", "session_id"},
			{"a parameter no route reads", "/api/v1/titres?" + q("x", strings.Repeat("a", 5000)), ""},
			{"a query over 4 KiB", "/api/v1/titres?" + strings.Repeat("a=1&", 1100), ""},
		} {
			rec := a.as("admin", "GET", c.path, nil)
			p := wantProblem(t, rec, http.StatusBadRequest, c.field)
			if p.Code != "parametres_invalides" {
				t.Errorf("%s: code %q", c.name, p.Code)
			}
		}
		// Up to the cap, a name made only of LIKE's wildcards is searched
		// for literally.
		for _, nom := range []string{strings.Repeat("_", certification.MaxNomRecherche), strings.Repeat("%", certification.MaxNomRecherche), `\_%`} {
			var out struct{ Candidats []any }
			rec := a.as("admin", "GET", "/api/v1/candidats?"+q("nom", nom), nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("nom %q: %d %s", nom, rec.Code, rec.Body)
			}
			mustJSON(t, rec, &out)
			if len(out.Candidats) != 0 {
				t.Errorf("nom %q matches %d candidats: the wildcards are not escaped", nom, len(out.Candidats))
			}
		}
	})
}
