package web_test

import (
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserExports: the centre finds « Exports » and « Statistiques » in
// its menu; the statistics open on the year so far; those of October show the demo session's results as a
// chart with its table; both downloads serve their files; a period typed
// backwards comes back with its message on the field.
func TestBrowserExports(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		u := s.person(t)
		u.login("centre")
		u.click(`a[href="/statistiques"]`)
		if u.path() != "/statistiques" || !strings.Contains(u.body(), "2 candidats délibérés") ||
			eval[string](u, `document.querySelector("#f-debut").value`) != "01/01/2026" {
			t.Fatalf("the statistics of the year so far: %s %s", u.path(), u.body())
		}
		u.fill("#f-debut", "01/10/2026")
		u.fill("#f-fin", "31/10/2026")
		u.click(`form[action="/statistiques"] button[type=submit]`)
		body := u.body()
		for _, want := range []string{"2 candidats délibérés, dont 2 présentés", "Résultats des candidats délibérés", "Réussite partielle"} {
			if !strings.Contains(body, want) {
				t.Errorf("the statistics of October lack %q: %s", want, body)
			}
		}
		if n := eval[int](u, `document.querySelectorAll("svg[role=img] rect").length`); n != 7 {
			t.Errorf("%d bars, want 4 outcomes and 3 CCP", n)
		}
		u.check("GET /statistiques", "statistiques")
		status, typ, data := u.download("/statistiques/telechargement?debut=2026-10-01&fin=2026-10-31&format=xlsx")
		if status != 200 || !strings.HasPrefix(typ, "application/vnd.openxmlformats") || len(data) < 1000 {
			t.Errorf("the statistics file: %d %s %d bytes", status, typ, len(data))
		}
		fetched(t, "GET /statistiques/telechargement")

		u.click(`a[href="/exports"]`)
		u.check("GET /exports", "exports")
		status, typ, data = u.download("/exports/telechargement?debut=01/10/2026&fin=31/10/2026&fichier=resultats&format=csv")
		if status != 200 || !strings.HasPrefix(typ, "text/csv") || strings.Count(string(data), "Lefèvre") != 3 {
			t.Errorf("the results export: %d %s %q", status, typ, data)
		}
		fetched(t, "GET /exports/telechargement")
		u.fill("#f-debut", "01/11/2026")
		u.fill("#f-fin", "31/10/2026")
		u.click(`button[value=resultats]`)
		if got := u.text("#f-fin-erreur"); !strings.Contains(got, "La fin de la période précède son début") {
			t.Errorf("a period backwards says %q", got)
		}
		u.check("", "exports-erreur")
	})
}
