package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserDroitsCandidat: the candidat downloads its data from its space
// and sends a rectification and an erasure request, every page checked.
func TestBrowserDroitsCandidat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		s.issueDemoDocuments()
		u := s.person(t)
		u.login("candidat")
		download := func(href string) []byte {
			t.Helper()
			dir := u.downloads()
			u.do(chromedp.Click(chromedp.CSS(`a[href="` + href + `"]`)))
			return waitDownload(t, dir)
		}
		var d certification.DonneesCandidat
		if b := download("/mon-espace/donnees.json"); json.Unmarshal(b, &d) != nil || len(d.Tables) == 0 {
			t.Errorf("the JSON downloaded: %.200s", b)
		}
		fetched(t, "GET /mon-espace/donnees.json")
		if b := download("/mon-espace/donnees.pdf"); !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("the PDF downloaded: %.20q", b)
		}
		fetched(t, "GET /mon-espace/donnees.pdf")

		u.navigates(chromedp.Click(chromedp.CSS(`a.fr-btn[href="/mon-espace/rectification"]`)))
		u.check("GET /mon-espace/rectification", "mon-espace-rectification")
		u.submit("#f-texte", "")
		if !strings.Contains(u.text("#erreurs"), "La demande comporte des erreurs.") {
			t.Errorf("empty request: %s", u.body())
		}
		u.check("POST /mon-espace/rectification", "mon-espace-rectification-erreur")
		u.submit("#f-texte", "Mon lieu de naissance est Annecy (74).")
		if u.path() != "/mon-espace?info=rectification-autorite" || !strings.Contains(u.body(), "transmise à l’autorité") {
			t.Errorf("after the request: %s %s", u.path(), u.body())
		}

		u.open("/mon-espace/effacement")
		u.check("GET /mon-espace/effacement", "mon-espace-effacement")
		u.submit("#f-texte", "Je renonce.")
		if !strings.Contains(u.body(), "Ce qui est conservé, et pourquoi") {
			t.Errorf("erasure answer: %s", u.body())
		}
		u.check("POST /mon-espace/effacement", "mon-espace-effacement-reponse")
	})
}
