package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserAutoriteDuplicata: from the session's review the autorité
// issues a duplicata of a parchemin; the review lists it beside the
// original, still in force, and its public verification names the
// original. A document revoked while its duplicata page was open is
// refused with the reason, and nothing is written.
func TestBrowserAutoriteDuplicata(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		rec := "/autorite/sessions/" + id
		var par, liv certification.Document
		for _, d := range s.issueDemoDocuments() {
			switch d.Type {
			case "parchemin":
				par = d
			case "livret":
				liv = d
			}
		}
		if par.ID == "" || liv.ID == "" {
			t.Fatal("the demo session issued no parchemin or no livret")
		}

		u := s.person(t)
		u.login("dreets")
		u.open(rec)
		u.click(`a[aria-label="Délivrer un duplicata du document n° ` + par.Numero + `"]`)
		u.check("GET /autorite/sessions/:id/documents/:did/duplicata", "autorite-duplicata")
		u.navigates(chromedp.Submit(chromedp.CSS("#form-duplicata")))
		if got := u.text(".fr-alert--success"); !strings.HasPrefix(got, "Le duplicata est délivré") {
			t.Fatalf("after the duplicata: %s", u.body())
		}
		var dup struct{ ID, Numero, CodeVerification string }
		if err := s.db.Table("documents").Select("id, numero, code_verification").Where("duplicata_de = ?", par.ID).Scan(&dup).Error; err != nil || dup.ID == "" {
			t.Fatalf("duplicata row: %v", err)
		}
		if row := u.text("#document-" + dup.ID); !strings.Contains(row, dup.Numero) || !strings.Contains(row, "duplicata") {
			t.Errorf("the duplicata on the review: %q", row)
		}
		if row := u.text("#document-" + par.ID); !strings.Contains(strings.ToLower(row), "en vigueur") {
			t.Errorf("the original on the review: %q", row)
		}

		v := s.person(t)
		v.open("/verification/" + dup.CodeVerification)
		if body := v.body(); !strings.Contains(body, "Document authentique et en vigueur") || !strings.Contains(body, "Duplicata du document n° "+par.Numero) {
			t.Errorf("public verification of the duplicata: %s", body)
		}
		v.check("", "verification-duplicata")

		// The livret is revoked while its duplicata page is open.
		u.open(rec + "/documents/" + liv.ID + "/duplicata")
		if _, err := s.svc.RevoquerDocument(t.Context(), s.acteur("dreets"), liv.ID, certification.RevocationFraude, "Fraude établie"); err != nil {
			t.Fatal(err)
		}
		u.navigates(chromedp.Submit(chromedp.CSS("#form-duplicata")))
		if u.status() != http.StatusConflict || !strings.Contains(u.body(), "n'est plus en vigueur") {
			t.Errorf("duplicata of a document revoked meanwhile: %d %s", u.status(), u.body())
		}
		var n int
		if err := s.db.Table("documents").Select("count(*)").Where("duplicata_de = ?", liv.ID).Scan(&n).Error; err != nil || n != 0 {
			t.Errorf("a refused duplicata wrote %d documents (%v)", n, err)
		}
		u.check("POST /autorite/sessions/:id/documents/:did/duplicata", "autorite-duplicata-erreur")
	})
}
