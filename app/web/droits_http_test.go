package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDroitsCandidat: from its space the candidat downloads its data and
// sends its requests, which its centre and the autorité read; no other role
// opens these pages.
func TestDroitsCandidat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		s.issueDemoDocuments()
		c := s.client()
		c.login("candidat")

		p := c.get("/mon-espace/donnees.json")
		var d certification.DonneesCandidat
		if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/json") ||
			p.Header.Get("Cache-Control") != "no-store" || json.Unmarshal([]byte(p.Body), &d) != nil ||
			len(d.Tables) == 0 || !strings.Contains(p.Body, `"nom_naissance": "Lefèvre"`) {
			t.Errorf("JSON export: %d %v %.300s", p.Status, p.Header, p.Body)
		}
		p = c.get("/mon-espace/donnees.pdf")
		if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(p.Body, "%PDF-") ||
			!strings.Contains(p.Header.Get("Content-Disposition"), "donnees-personnelles.pdf") {
			t.Errorf("PDF export: %d %v", p.Status, p.Header)
		}

		p = c.post("/mon-espace/rectification", "/mon-espace/rectification", url.Values{"texte": {""}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Indiquez ce qui est inexact") {
			t.Errorf("empty rectification: %d", p.Status)
		}
		// Hostile texts: refused on the field, nothing written.
		for _, texte := range []string{strings.Repeat("é", 50000), "a\x00b", "\xff\xfe", " \u200b "} {
			p = c.post("/mon-espace/effacement", "/mon-espace/rectification", url.Values{"texte": {texte}})
			if p.Status != http.StatusUnprocessableEntity {
				t.Errorf("%.20q: %d", texte, p.Status)
			}
		}
		var n int
		db.Raw("SELECT COUNT(*) FROM demandes_droits").Scan(&n)
		if n != 0 {
			t.Errorf("%d requests written from hostile texts", n)
		}
		p = c.post("/mon-espace/rectification", "/mon-espace/rectification", url.Values{"texte": {"Mon lieu de naissance est Annecy (74)."}})
		if p.Status != http.StatusSeeOther || p.Location != "/mon-espace?info=rectification-autorite" {
			t.Errorf("rectification: %d %s", p.Status, p.Location)
		}
		if p := c.get(p.Location); !strings.Contains(p.Body, "transmise à l’autorité") {
			t.Error("no confirmation after the rectification request")
		}
		p = c.post("/mon-espace/effacement", "/mon-espace/effacement", url.Values{"texte": {"Je renonce."}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Ce qui est conservé, et pourquoi") || !strings.Contains(p.Body, "Sans limite de durée") {
			t.Errorf("erasure: %d %s", p.Status, p.Body)
		}

		id := s.candidatID("Lefèvre")
		centre := s.client()
		centre.login("centre")
		if p := centre.get("/centre/candidats/" + id); !strings.Contains(p.Body, "Mon lieu de naissance est Annecy (74).") || !strings.Contains(p.Body, "Je renonce.") {
			t.Errorf("the centre's record lacks the requests: %d", p.Status)
		}
		dreets := s.client()
		dreets.login("dreets")
		if p := dreets.get("/autorite/candidats/" + id + "/rectification"); !strings.Contains(p.Body, "Mon lieu de naissance est Annecy (74).") || strings.Contains(p.Body, "Je renonce.") {
			t.Errorf("the autorité's rectification page: %d", p.Status)
		}

		s.forbidden(t, []string{"centre", "jury1", "dreets", "admin"}, "/mon-espace/donnees.json", "/mon-espace/donnees.pdf",
			"/mon-espace/rectification", "/mon-espace/effacement")
		if p := s.client().get("/mon-espace/donnees.json"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
			t.Errorf("a visitor: %d %s", p.Status, p.Location)
		}
	})
}
