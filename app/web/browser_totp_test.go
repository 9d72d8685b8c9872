package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserSecondFacteur: an administrator enrols its second factor from
// the menu, reading the key beside the QR code, sees its recovery codes,
// signs out, then signs in with its password and a code. A wrong code is
// refused next to its field on both forms.
func TestBrowserSecondFacteur(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		a := s.person(t)
		a.login("admin")
		a.click(`nav a[href="/compte/second-facteur"]`)
		if got := eval[bool](a, `document.querySelector('img[src^="data:image/png;base64,"]').naturalWidth > 0`); !got {
			t.Error("the QR code is not drawn")
		}
		a.check("GET /compte/second-facteur", "second-facteur")
		a.submit("#f-code", "12")
		if got := a.text("#erreurs"); !strings.Contains(got, "Code incorrect") {
			t.Errorf("a wrong first code says %q", got)
		}
		a.check("POST /compte/second-facteur", "second-facteur-erreur")
		secret := strings.TrimSpace(a.text("#secret-totp"))
		code, err := certification.CodeTOTP(secret, s.svc.Now())
		if err != nil {
			t.Fatal(err)
		}
		a.submit("#f-code", code)
		if got := a.text("#codes-secours"); strings.Count(got, "-") != 10 {
			t.Fatalf("the recovery codes: %q", got)
		}
		a.check("POST /compte/second-facteur", "second-facteur-codes")

		a.navigates(chromedp.Click(chromedp.CSS(`form[action="/deconnexion"] button`)))
		a.open("/connexion")
		a.submit("#f-identifiant", "admin", "#f-mot-de-passe", password("admin"))
		if got := a.text("h1"); got != "Validation en deux étapes" {
			t.Fatalf("after the password: %q %s", got, a.body())
		}
		a.submit("#f-code", "99999")
		if got := a.text("#erreurs"); !strings.Contains(got, "Code de vérification incorrect") {
			t.Errorf("a wrong code at sign-in says %q", got)
		}
		a.check("POST /connexion/code", "connexion-code-erreur")
		// The activation used this step's code: the next step's is taken.
		code, _ = certification.CodeTOTP(secret, s.svc.Now().Add(30*time.Second))
		a.submit("#f-code", code)
		if a.path() != "/admin" {
			t.Fatalf("after the code: %s %s", a.path(), a.body())
		}
	})
}

// TestBrowserSecondFacteurReinitialisation: the administrator resets an
// autorité account's second factor from the accounts list; without a
// reason the form is refused next to its field; afterwards the account
// signs in with its password alone.
func TestBrowserSecondFacteurReinitialisation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		dreets := s.acteur("dreets")
		e, err := s.svc.CommencerTOTP(ctx, dreets)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := certification.CodeTOTP(e.Secret, s.svc.Now())
		if _, err := s.svc.ActiverTOTP(ctx, dreets, code); err != nil {
			t.Fatal(err)
		}
		a := s.person(t)
		a.login("admin")
		a.click(`a[aria-label="Réinitialiser la validation en deux étapes du compte dreets"]`)
		a.check("GET /admin/comptes/:id/second-facteur", "admin-second-facteur")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := a.text("#erreurs"); !strings.Contains(got, "Le motif est requis.") {
			t.Errorf("a reset without a reason says %q", got)
		}
		a.check("POST /admin/comptes/:id/second-facteur", "admin-second-facteur-erreur")
		a.submit("#f-motif", "Téléphone perdu, identité vérifiée par téléphone")
		if !strings.Contains(a.body(), "La validation en deux étapes du compte est réinitialisée") {
			t.Fatalf("after the reset: %s %s", a.path(), a.body())
		}
		d := s.person(t)
		d.login("dreets")
		if !strings.HasPrefix(d.path(), "/autorite") {
			t.Errorf("after the reset, dreets lands on %s", d.path())
		}
	})
}
