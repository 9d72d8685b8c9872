package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestPageFiltersCapped: a page whose filters no name or id can match
// shows why, on the page or as an error page, never a 500.
func TestPageFiltersCapped(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		c.login("centre")
		q := func(k, v string) string { return url.Values{k: {v}}.Encode() }
		for _, path := range []string{
			"/centre/candidats?" + q("nom", strings.Repeat("é", 101)),
			"/centre/candidats?apres=zzz",
		} {
			p := c.get(path)
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "Les filtres de la liste sont invalides.") {
				t.Errorf("%.60s: %d, want the page with the filters refused", path, p.Status)
			}
		}
		if p := c.get("/centre/candidats?" + q("nom", strings.Repeat("é", 101))); !strings.Contains(p.Body, "Le nom recherché ne doit pas dépasser 100 caractères.") {
			t.Error("the refused name filter does not say why")
		}
		for _, path := range []string{
			"/centre/candidats?" + q("nom", strings.Repeat("x", 50000)),
			"/centre/candidats?" + q("nom", strings.Repeat("_", 25000)),
			"/centre/sessions?" + q("apres", strings.Repeat("9", 5000)),
		} {
			p := c.get(path)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Les paramètres de la requête sont invalides.") {
				t.Errorf("%.60s: %d, want 400 with a message", path, p.Status)
			}
		}
		p := c.get("/centre/sessions?apres=zzz")
		if p.Status >= 500 || !strings.Contains(p.Body, "Un identifiant (UUID) est attendu.") {
			t.Errorf("sessions with a bad cursor: %d", p.Status)
		}
	})
}
