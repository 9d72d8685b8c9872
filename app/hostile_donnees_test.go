package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// hostileFilters are query values of 50 000 characters: plain, LIKE's
// wildcards (which escaping doubles), and multi-byte letters.
var hostileFilters = []string{strings.Repeat("x", 50000), strings.Repeat("_", 25000), strings.Repeat("%", 50000),
	strings.Repeat("é", 50000), strings.Repeat(`\`, 50000)}

// hostileQueryNames are the query parameters any route or page reads.
var hostileQueryNames = []string{"nom", "apres", "centre_id", "candidat_id", "session_id", "parcours", "statut", "type",
	"debut", "fin", "limite", "archives", "date_naissance", "code", "suite", "info", "format", "fichier"}

// hostileNames are names no one is called: invisible, reversed, formatted.
var hostileNames = []string{"\u200b", "Test\u202eeivlyS", "Du\u00adpont", "\ufeffMartin", "Ma\u0085rtin", "Mar\u200dtin",
	"\u2066Martin\u2069", "- - -", "Ze\u0300\u0301\u0302\u0303\u0304", "Mar\u2028tin", "Mar\ue000tin"}

// TestHostileFiltersAndNames extends the hostile corpus with the probe's
// classes: 50 000-character filters on every route and page, and format
// characters in every name field. None may answer 5xx, and nothing is
// written.
func TestHostileFiltersAndNames(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		tables := allTables(t, db)
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = a.count(tb)
		}
		param := regexp.MustCompile(`:[a-z]+`)
		sent, statuses := 0, map[int]int{}
		check := func(what string, _ any, code int) {
			t.Helper()
			sent++
			statuses[code]++
			if code >= 500 {
				t.Errorf("%.200s: %d", what, code)
			}
		}
		// Every GET route, as a centre or as the administrator: each hostile
		// value on a parameter. The pages' parameters are TestPageFiltersCapped's.
		routes := a.srv.Routes()
		for _, route := range routes {
			method, path, _ := strings.Cut(route, " ")
			if method != "GET" {
				continue
			}
			path = param.ReplaceAllString(path, "01900000-0000-7000-8000-000000000000")
			for i, v := range hostileFilters {
				name := hostileQueryNames[i%len(hostileQueryNames)]
				as := []string{"centre", "admin"}[i%2]
				rec := a.as(as, "GET", path+"?"+url.Values{name: {v}}.Encode(), nil)
				check(as+" GET "+path+" "+name, rec, rec.Code)
			}
			q := url.Values{}
			for _, name := range hostileQueryNames {
				q.Set(name, strings.Repeat("_", certification.MaxNomRecherche))
			}
			rec := a.as("centre", "GET", path+"?"+q.Encode(), nil)
			check("centre GET "+path+" every parameter", rec, rec.Code)
		}
		// Every name field of every write, as every role that may write.
		for i, nom := range hostileNames {
			b := candidatBody("Martin")
			b["nom_naissance"], b["prenoms"] = nom, nom
			rec := a.as("centre", "POST", "/api/v1/candidats", b)
			check("candidat "+nom, rec, rec.Code)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("candidat named %+q: %d, want 422", nom, rec.Code)
			}
			rec = a.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": nom, "prenoms": nom, "email": "j@example.fr"})
			check("membre "+nom, rec, rec.Code)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("jury member named %+q: %d, want 422", nom, rec.Code)
			}
			rec = a.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": nom, "nom": nom,
				"mot_de_passe": "un-mot-de-passe-long", "role": "jury"})
			check("compte "+nom, rec, rec.Code)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("account named %+q: %d, want 422", nom, rec.Code)
			}
			body := map[string]any{}
			for _, k := range []string{"nom", "prenoms", "nom_naissance", "nom_usage", "lieu_naissance", "lieu", "responsable", "identifiant", "ville", "region"} {
				body[k] = nom
			}
			if i >= 3 {
				continue // three kinds of name are enough for the sweep of every write
			}
			for _, route := range routes {
				method, path, _ := strings.Cut(route, " ")
				if method == "GET" || path == "/api/v1/auth/deconnexion" {
					continue
				}
				if path == "/api/v1/moi/totp" {
					continue // it reads no body and starts an enrolment: a write by design
				}
				path = param.ReplaceAllString(path, "01900000-0000-7000-8000-000000000000")
				for _, as := range []string{"centre", "dreets", "admin", "jury1"} {
					rec := a.as(as, method, path, body, `If-Match: "1"`)
					check(as+" "+method+" "+path, rec, rec.Code)
				}
			}
		}
		for _, tb := range tables {
			if got := a.count(tb); got != before[tb] {
				t.Errorf("table %s: %d rows, had %d before", tb, got, before[tb])
			}
		}
		if statuses[400] < 20 || statuses[422] < 3*len(hostileNames) {
			t.Errorf("the corpus does not reach the checks: %v", statuses)
		}
		t.Logf("%d hostile requests, no 5xx, every table unchanged; statuses %v", sent, statuses)
	})
}
