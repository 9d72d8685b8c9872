package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// octobre is the period of the demo's validated session (5–6 October 2026).
const octobre = "debut=01/10/2026&fin=31/10/2026"

// TestExportsPages: the centre, the autorité of its territory and the
// administrator read the demo session's results on the statistics page and
// in the exports; another territory's autorité and another centre read
// none; the jury and the candidat are refused. Bad periods come back on
// the form, each message on its field, and nothing is downloaded.
func TestExportsPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		for _, who := range []string{"centre", "dreets", "admin"} {
			c := s.client()
			c.login(who)
			p := c.get("/statistiques?" + octobre)
			for _, want := range []string{"2 candidats délibérés, dont 2 présentés", "Avenir Insertion Formation",
				"<td>1</td><td>50,0\u00a0%</td>", `role="img"`, "Taux de réussite par CCP", "TP-00403 CCP2", "Formation", "Validation des acquis"} {
				if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
					t.Errorf("%s: the statistics page lacks %q (%d)", who, want, p.Status)
				}
			}
			f := c.get("/exports/telechargement?" + octobre + "&fichier=resultats&format=csv")
			if f.Status != http.StatusOK || !strings.HasPrefix(f.Header.Get("Content-Type"), "text/csv") ||
				strings.Count(f.Body, "Lefèvre") != 3 || strings.Count(f.Body, "Nguyễn;") != 3 || !strings.HasPrefix(f.Body, "\ufeffN° de session;") {
				t.Errorf("%s: the results export: %d %s %q", who, f.Status, f.Header.Get("Content-Type"), f.Body)
			}
			x := c.get("/exports/telechargement?" + octobre + "&fichier=sessions&format=xlsx")
			book, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
			if err != nil {
				t.Fatalf("%s: the sessions export is no XLSX: %v", who, err)
			}
			rows, _ := book.GetRows("Sessions")
			if len(rows) != 2 || rows[1][5] != "Avenir Insertion Formation, 12 rue de la République, Lyon" || rows[1][9] != "2" {
				t.Errorf("%s: the sessions export: %v", who, rows)
			}
			book.Close()
			st := c.get("/statistiques/telechargement?debut=2026-10-01&fin=2026-10-31&format=csv")
			if st.Status != http.StatusOK || !strings.Contains(st.Body, "Ensemble;Toute la période;2;2;1;1;0;0;50,0;50,0;0,0;0,0") {
				t.Errorf("%s: the statistics file: %d %q", who, st.Status, st.Body)
			}
		}
		for _, who := range []string{"dreets-pdl", "centre2"} {
			c := s.client()
			c.login(who)
			if p := c.get("/statistiques?" + octobre); p.Status != http.StatusOK || !strings.Contains(p.Body, "Aucun candidat délibéré sur cette période.") {
				t.Errorf("%s reads another's statistics: %d", who, p.Status)
			}
			if f := c.get("/exports/telechargement?" + octobre + "&fichier=resultats"); f.Status != http.StatusOK || strings.Contains(f.Body, "Lefèvre") {
				t.Errorf("%s exports another's results: %d %q", who, f.Status, f.Body)
			}
		}
		for _, who := range []string{"jury1", "candidat"} {
			c := s.client()
			c.login(who)
			for _, path := range []string{"/exports", "/statistiques?" + octobre, "/exports/telechargement?" + octobre + "&fichier=resultats",
				"/statistiques/telechargement?" + octobre} {
				if p := c.get(path); p.Status != http.StatusForbidden || strings.Contains(p.Body, "Nguyễn") {
					t.Errorf("%s %s: %d", who, path, p.Status)
				}
			}
		}

		c := s.client()
		c.login("centre")
		for _, bad := range []struct{ query, field, message string }{
			{"debut=31/02/2026&fin=31/10/2026&fichier=resultats", "debut", "Date invalide"},
			{"debut=01/11/2026&fin=31/10/2026&fichier=resultats", "fin", "La fin de la période précède son début (01/11/2026)."},
			{"debut=01/01/1990&fin=31/12/2030&fichier=sessions", "fin", "La période couvre au plus cinq ans"},
			{"debut=01/01/0202&fin=31/12/2026&fichier=sessions", "debut", "Date hors des limites : une année entre 1900 et 2199 est attendue."},
			{"fin=31/10/2026&fichier=resultats", "debut", "La date de début de la période est requise."},
			{octobre + "&fichier=resultats&format=pdf", "format", "Choisissez CSV ou XLSX."},
		} {
			p := c.get("/exports/telechargement?" + bad.query)
			if p.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(p.Body, `id="f-`+bad.field+`-erreur"`) || !strings.Contains(p.Body, bad.message) {
				t.Errorf("%s: %d %s, want the message %q on %s", bad.query, p.Status, p.Header.Get("Content-Type"), bad.message, bad.field)
			}
			if bad.field == "format" {
				continue // the statistics page has no format
			}
			p = c.get("/statistiques?" + bad.query)
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, bad.message) {
				t.Errorf("statistics %s: %d", bad.query, p.Status)
			}
		}
		if p := c.get("/exports/telechargement?" + octobre + "&fichier=tout"); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, "Choisissez le fichier à télécharger") {
			t.Errorf("an unknown file: %d", p.Status)
		}
	})
}
