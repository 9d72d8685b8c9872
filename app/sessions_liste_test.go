package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type sessionPage struct {
	Sessions []struct {
		ID       string `json:"id"`
		CentreID string `json:"centre_id"`
		Debut    string `json:"debut"`
	} `json:"sessions"`
	Suivant string `json:"suivant"`
}

func (f *flow) sessionIDs(as, query string) ([]string, string) {
	f.t.Helper()
	var p sessionPage
	f.ok(f.as(as, "GET", "/api/v1/sessions"+query, nil), http.StatusOK, &p)
	ids := make([]string, len(p.Sessions))
	for i, s := range p.Sessions {
		ids[i] = s.ID
	}
	return ids, p.Suivant
}

// TestSessionsListe filters and pages GET /api/v1/sessions, within each
// role's scope, and refuses bad filters naming the parameter.
func TestSessionsListe(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		jury := []string{f.membres["jury1"], f.membres["jury2"]}
		s1 := f.session("titre", nil, "2026-12-07", "2026-12-08")
		s2 := f.session("ccp", []string{"CCP2"}, "2027-01-11", "2027-01-11")
		s3 := f.session("titre", nil, "2027-03-01", "2027-03-02")
		f.step("centre", s3.ID, "declaration", http.StatusOK)
		s4 := f.sessionWith("centre2", "titre", nil, "2027-02-01", "2027-02-02", jury)
		var centre2 string
		if err := db.Table("centres").Select("id").Where("nom = ?", "Horizons Emploi").Scan(&centre2).Error; err != nil || centre2 == "" {
			t.Fatalf("centre Horizons: %v", err)
		}

		cases := []struct {
			as, query string
			want      []string
		}{
			// Scope: most recent first, as before the filters.
			{"centre", "", []string{s3.ID, s2.ID, s1.ID}},
			{"centre2", "", []string{s4.ID}},
			{"dreets", "", []string{s3.ID, s2.ID, s1.ID}}, // Auvergne-Rhône-Alpes: the Lyon centre
			{"dreets-pdl", "", []string{s4.ID}},           // Pays de la Loire: the Nantes centre
			{"admin", "", []string{s3.ID, s4.ID, s2.ID, s1.ID}},
			{"jury1", "", []string{s3.ID, s4.ID, s2.ID, s1.ID}},
			// Filters.
			{"centre", "?statut=declaree", []string{s3.ID}},
			{"centre", "?statut=planifiee", []string{s2.ID, s1.ID}},
			{"centre", "?type=ccp", []string{s2.ID}},
			{"admin", "?debut=2027-01-01", []string{s3.ID, s4.ID, s2.ID}},
			{"dreets", "?fin=2026-12-31", []string{s1.ID}},
			{"dreets", "?debut=2026-12-08&fin=2026-12-08", []string{s1.ID}}, // overlaps on its last day
			{"dreets", "?debut=2027-01-12&fin=2027-01-31", []string{}},
			{"admin", "?centre_id=" + centre2, []string{s4.ID}},
			{"dreets", "?centre_id=" + centre2, []string{}}, // outside its territory
			{"centre", "?centre_id=" + centre2, []string{}}, // a filter narrows the scope, never widens it
			{"admin", "?type=titre&statut=planifiee&debut=2027-01-01", []string{s4.ID}},
			{"dreets", "?recherche=salle%20RH%C3%94NE&statut=declaree", []string{s3.ID}},
			{"dreets-pdl", "?recherche=salle%20loire", []string{s4.ID}},
			{"dreets", "?recherche=" + s2.Reference[len(s2.Reference)-4:], []string{s2.ID}},
			{"dreets", "?a_delivrer=true", []string{}}, // nothing validated yet
		}
		for _, c := range cases {
			got, suivant := f.sessionIDs(c.as, c.query)
			if !slices.Equal(got, c.want) || suivant != "" {
				t.Errorf("%s GET /sessions%s = %v (suivant %q), want %v", c.as, c.query, got, suivant, c.want)
			}
		}

		// Pages of one, then of three, give the whole list in order.
		all, _ := f.sessionIDs("admin", "")
		for _, limite := range []string{"1", "3"} {
			var paged []string
			q := "?limite=" + limite
			for pages := 0; pages < 10; pages++ {
				ids, suivant := f.sessionIDs("admin", q)
				paged = append(paged, ids...)
				if suivant == "" {
					break
				}
				if suivant != ids[len(ids)-1] {
					t.Errorf("suivant %q is not the last id of its page %v", suivant, ids)
				}
				q = "?limite=" + limite + "&apres=" + url.QueryEscape(suivant)
			}
			if !slices.Equal(paged, all) {
				t.Errorf("pages of %s = %v, want %v", limite, paged, all)
			}
		}
		// The cursor combines with the filters.
		ids, suivant := f.sessionIDs("admin", "?debut=2027-01-01&limite=2")
		rest, end := f.sessionIDs("admin", "?debut=2027-01-01&limite=2&apres="+suivant)
		if !slices.Equal(append(ids, rest...), []string{s3.ID, s4.ID, s2.ID}) || end != "" {
			t.Errorf("filtered pages = %v then %v (suivant %q)", ids, rest, end)
		}

		bad := []struct {
			query  string
			status int
			field  string
		}{
			{"?statut=ouverte", http.StatusUnprocessableEntity, "statut"},
			{"?type=examen", http.StatusUnprocessableEntity, "type"},
			{"?debut=2026-02-30", http.StatusBadRequest, "debut"},
			{"?fin=31/12/2026", http.StatusBadRequest, "fin"},
			{"?debut=2027-01-31&fin=2027-01-01", http.StatusUnprocessableEntity, "fin"},
			{"?limite=0", http.StatusBadRequest, "limite"},
			{"?limite=201", http.StatusBadRequest, "limite"},
			{"?limite=dix", http.StatusBadRequest, "limite"},
			// An id that is not a UUID does not parse: 400, like a date.
			{"?apres=page-2", http.StatusBadRequest, "apres"},
			{"?centre_id=avenir", http.StatusBadRequest, "centre_id"},
			{"?a_delivrer=oui", http.StatusBadRequest, "a_delivrer"},
			{"?recherche=" + strings.Repeat("é", 101), http.StatusUnprocessableEntity, "recherche"},
		}
		for _, b := range bad {
			wantProblem(t, f.as("dreets", "GET", "/api/v1/sessions"+b.query, nil), b.status, b.field)
		}
		wantProblem(t, f.as("candidat", "GET", "/api/v1/sessions", nil), http.StatusForbidden, "")
	})
}
