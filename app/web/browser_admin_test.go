package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserAdminDesactivation: the administrator deactivates a jury
// member's account while the member has a page open in another browser;
// the member's next request lands on the sign-in page, which says the
// session has ended. A deactivation without a reason is refused, with the
// message next to its field. Reactivated, the member signs in again.
func TestBrowserAdminDesactivation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		j := s.person(t)
		j.login("jury1")
		if j.path() != "/jury/sessions" {
			t.Fatalf("the member lands on %s", j.path())
		}

		a := s.person(t)
		a.login("admin")
		if a.path() != "/admin" || !strings.Contains(a.body(), "jury1") {
			t.Fatalf("the administrator lands on %s: %s", a.path(), a.body())
		}
		a.check("GET /admin", "admin-comptes")
		a.click(`a[aria-label="Désactiver le compte jury1"]`)
		a.check("GET /admin/comptes/:id/desactivation", "admin-desactivation")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := a.text("#erreurs"); !strings.Contains(got, "Le motif est requis.") {
			t.Errorf("a deactivation without a reason says %q", got)
		}
		a.check("POST /admin/comptes/:id/desactivation", "admin-desactivation-erreur")
		j.open("/jury/sessions")
		if j.path() != "/jury/sessions" {
			t.Fatalf("a refused deactivation closed the member's session: %s", j.path())
		}

		a.submit("#f-motif", "Fin de mission")
		if !strings.HasPrefix(a.path(), "/admin?") || !strings.Contains(a.body(), "Le compte est désactivé") {
			t.Fatalf("after the deactivation: %s %s", a.path(), a.body())
		}

		// The member's open page: its next request is refused.
		j.click(`a[href="/jury/sessions"]`)
		if !strings.HasPrefix(j.path(), "/connexion?") || !strings.Contains(j.body(), "Votre session a pris fin : reconnectez-vous pour continuer.") {
			t.Fatalf("the deactivated member's next request: %s %s", j.path(), j.body())
		}
		j.check("GET /connexion", "connexion-session-terminee")

		a.click(`a[aria-label="Réactiver le compte jury1"]`)
		a.check("GET /admin/comptes/:id/reactivation", "admin-reactivation")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		a.check("POST /admin/comptes/:id/reactivation", "admin-reactivation-erreur")
		a.submit("#f-motif", "Nouvelle mission")
		if !strings.Contains(a.body(), "Le compte est réactivé") {
			t.Fatalf("after the reactivation: %s", a.body())
		}
		j.login("jury1")
		if j.path() != "/jury/sessions" {
			t.Errorf("the reactivated member lands on %s", j.path())
		}
	})
}

// TestBrowserAdminCreation: the administrator creates a jury member's
// account through the form, then fixes an autorité account's territory;
// each refused form shows its messages next to the fields.
func TestBrowserAdminCreation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		a := s.person(t)
		a.login("admin")
		a.click(`a[href="/admin/comptes/nouveau"]`)
		a.check("GET /admin/comptes/nouveau", "admin-compte-nouveau")
		a.submit("#f-identifiant", "Jury Trois", "#f-nom", "Lucie Roche")
		if got := a.text("#erreurs"); !strings.Contains(got, "Choisissez le rôle du compte.") {
			t.Errorf("a creation without a role says %q", got)
		}
		a.check("POST /admin/comptes/nouveau", "admin-compte-nouveau-erreur")
		eval[any](a, `document.querySelector("#f-identifiant").value = "jury3"; document.querySelector("#f-role").value = "jury"`)
		a.submit("#f-mot-de-passe", "un-mot-de-passe-long")
		if !strings.Contains(a.body(), "Le compte est créé") || !strings.Contains(a.body(), "jury3") {
			t.Fatalf("after the creation: %s", a.body())
		}

		a.open("/admin?role=autorite")
		a.click(`a[aria-label="Modifier le territoire du compte dreets-pdl"]`)
		a.check("GET /admin/comptes/:id/territoire", "admin-territoire")
		a.submit("#f-territoire-departements", "44")
		if got := a.text("#erreurs"); got == "" {
			t.Error("a DREETS given départements besides its région is accepted")
		}
		a.check("POST /admin/comptes/:id/territoire", "admin-territoire-erreur")

		a.open("/admin?role=jury")
		a.click(`a[aria-label="Modifier l’adresse électronique du compte jury2"]`)
		a.check("GET /admin/comptes/:id/email", "admin-email")
		// The field holds the current address: replace it, not append to it.
		eval[any](a, `document.querySelector("#f-email").value = ""`)
		a.submit("#f-email", "karim.benali")
		if got := a.text("#erreurs"); got == "" {
			t.Error("an address without a domain is accepted")
		}
		a.check("POST /admin/comptes/:id/email", "admin-email-erreur")

		a.click(`nav a[href="/admin/centres"]`)
		if body := a.body(); !strings.Contains(body, "Avenir Insertion Formation") || !strings.Contains(body, "TP-00403") {
			t.Errorf("the centres page: %s", body)
		}
		a.check("GET /admin/centres", "admin-centres")

		a.click(`nav a[href="/admin/taches"]`)
		if got := a.text("h1"); got != "File des tâches" {
			t.Errorf("the jobs page is titled %q", got)
		}
		a.check("GET /admin/taches", "admin-taches")

		refus := certification.Message{Cle: "essai/refus", To: "inconnu@exemple.fr", Subject: "Vos résultats sont disponibles",
			Text: "Bonjour,\n\nLes résultats de la session sont disponibles : http://cipcert.test/candidat-espace-au-lien-tres-long-pour-un-petit-ecran\n"}
		if err := s.svc.MessageRefuse(context.Background(), refus, "550 5.1.1 <inconnu@exemple.fr>: mailbox unavailable"); err != nil {
			t.Fatal(err)
		}
		a.click(`nav a[href="/admin/messages"]`)
		if got := a.text("h1"); got != "Messages envoyés" {
			t.Errorf("the messages page is titled %q", got)
		}
		if body := a.body(); !strings.Contains(body, "inconnu@exemple.fr") || !strings.Contains(body, "mailbox unavailable") {
			t.Errorf("the refused address is not shown: %s", body)
		}
		a.check("GET /admin/messages", "admin-messages")
		a.click(`a[href="/admin/messages/essai/refus"]`)
		if body := a.body(); !strings.Contains(body, "Les résultats de la session sont disponibles") {
			t.Errorf("the message's text is not shown: %s", body)
		}
		a.check("GET /admin/messages/:genre/:id", "admin-message")
	})
}
