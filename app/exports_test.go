package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestExportsPeriodeHostile: bad dates, an inverted period, a huge one, a
// missing bound, an unknown format or id, on every export and statistics
// route as each role that may call them: a problem+json 400 or 422 with
// the field named, never a file, and nothing written.
func TestExportsPeriodeHostile(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		before := a.count("evenements")
		cases := []struct {
			query  string
			status int
			field  string
		}{
			{"debut=2026-02-30&fin=2026-12-31", http.StatusBadRequest, "debut"},
			{"debut=2026-01-01&fin=31/12/2026", http.StatusBadRequest, "fin"},
			{"debut=2026-12-31&fin=2026-01-01", http.StatusUnprocessableEntity, "fin"},
			{"debut=0001-01-01&fin=9999-12-31", http.StatusBadRequest, "debut"},
			{"debut=1900-01-01&fin=2199-12-31", http.StatusUnprocessableEntity, "fin"},
			{"debut=2020-01-01&fin=2026-01-01", http.StatusUnprocessableEntity, "fin"},
			{"fin=2026-12-31", http.StatusUnprocessableEntity, "debut"},
			{"", http.StatusUnprocessableEntity, "debut"},
			{"debut=2026-01-01&fin=2026-12-31&centre_id=1%27%20OR%20%271%27%3D%271", http.StatusBadRequest, "centre_id"},
			{"debut=2026-01-01&fin=2026-12-31&session_id=%3Cscript%3E", http.StatusBadRequest, "session_id"},
		}
		for _, path := range []string{"/api/v1/exports/resultats", "/api/v1/exports/sessions", "/api/v1/statistiques", "/api/v1/statistiques/export"} {
			for _, as := range []string{"centre", "dreets", "admin"} {
				for _, c := range cases {
					wantProblem(t, a.as(as, "GET", path+"?"+c.query, nil), c.status, c.field)
				}
				if path != "/api/v1/statistiques" {
					wantProblem(t, a.as(as, "GET", path+"?debut=2026-01-01&fin=2026-12-31&format=pdf", nil), http.StatusBadRequest, "format")
				}
			}
		}
		if got := a.count("evenements"); got != before {
			t.Errorf("%d events after refused reads, %d before", got, before)
		}
	})
}
