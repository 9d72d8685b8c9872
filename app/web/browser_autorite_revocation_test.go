package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserAutoriteRevocation: the autorité revokes a parchemin from the
// session's review, with a category and an internal motif, after a refusal
// that writes nothing; the review shows it revoked with its category, and
// the public verification of its code says revoked with the category and
// never the motif.
func TestBrowserAutoriteRevocation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		rec := "/autorite/sessions/" + id
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		const motif = "Procès-verbal d’audience du 12/11 : usurpation d’identité établie"

		u := s.person(t)
		u.login("dreets")
		u.open(rec)
		if got := u.text("#document-" + par.ID); !strings.Contains(strings.ToLower(got), "en vigueur") {
			t.Errorf("the parchemin before revocation: %q", got)
		}
		u.click(`a[aria-label="Révoquer le document n° ` + par.Numero + `"]`)
		if got := eval[[]string](u, `[...document.querySelectorAll("#f-categorie label")].map(l => l.textContent)`); len(got) != len(certification.CategoriesRevocation) ||
			got[0] != "Erreur matérielle corrigée par l’autorité" {
			t.Errorf("categories offered: %q", got)
		}
		u.check("GET /autorite/sessions/:id/documents/:did/revocation", "autorite-revocation")

		// Without a category nor a confirmation: refused, nothing written.
		u.fill("#f-motif", motif)
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if u.status() != http.StatusUnprocessableEntity || u.text("#f-categorie-erreur") != "Choisissez la catégorie de la révocation." ||
			!strings.Contains(u.text("#f-confirmation-erreur"), "confirmer la révocation") {
			t.Errorf("revocation without a category: %d %s", u.status(), u.body())
		}
		if d, err := s.svc.Document(t.Context(), s.acteur("dreets"), par.ID, false); err != nil || d.Statut != certification.StatutValide {
			t.Fatalf("a refused revocation wrote: %v %v", d, err)
		}
		u.check("POST /autorite/sessions/:id/documents/:did/revocation", "autorite-revocation-erreur")

		u.do(chromedp.Click(chromedp.CSS(`label[for="` + u.inputID("categorie", "fraude") + `"]`)))
		u.do(chromedp.Click(chromedp.CSS(`label[for="f-confirmation"]`)))
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text(".fr-alert--success"); !strings.HasPrefix(got, "Le document est révoqué") {
			t.Fatalf("after the revocation: %s", u.body())
		}
		row := u.text("#document-" + par.ID)
		if !strings.Contains(strings.ToLower(row), "révoqué") || !strings.Contains(row, "Fraude constatée") || !strings.Contains(row, motif) {
			t.Errorf("the revoked parchemin on the review: %q", row)
		}
		if n := eval[int](u, `document.querySelectorAll('a[aria-label="Révoquer le document n° `+par.Numero+`"]').length`); n != 0 {
			t.Error("a revoked document is still offered for revocation")
		}

		// The trail keeps it, with the motif, for the autorité.
		u.open(rec + "/journal")
		if !strings.Contains(u.body(), motif) {
			t.Errorf("the session's trail lacks the motif: %s", u.body())
		}

		// The public verification: revoked, the category, never the motif.
		v := s.person(t)
		v.open("/verification/" + par.CodeVerification)
		body := v.body()
		if !strings.Contains(body, "Document révoqué") || !strings.Contains(body, "Fraude constatée") ||
			strings.Contains(body, "usurpation") || strings.Contains(body, "audience") {
			t.Errorf("public verification of the revoked parchemin: %s", body)
		}
		v.check("", "verification-revoque")

		// A second revocation of the same document is not offered.
		u.open(rec + "/documents/" + par.ID + "/revocation")
		if !strings.Contains(u.body(), "ne peut pas être révoqué") || eval[int](u, `document.querySelectorAll("form[method=post] #f-motif").length`) != 0 {
			t.Errorf("the form of a revoked document: %s", u.body())
		}
	})
}
