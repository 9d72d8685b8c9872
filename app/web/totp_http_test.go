package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// enrolPage enrols the signed-in account through the page, at the
// service's clock, and returns its secret and the page of recovery codes.
func (s *site) enrolPage(t *testing.T, c *client) (string, page) {
	t.Helper()
	p := c.get("/compte/second-facteur")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `src="data:image/png;base64,`) {
		t.Fatalf("the enrolment page: %d %s", p.Status, p.Body)
	}
	secret := regexpFind(t, `<code id="secret-totp">([A-Z2-7]+)</code>`, p.Body)
	code, err := certification.CodeTOTP(secret, s.svc.Now())
	if err != nil {
		t.Fatal(err)
	}
	return secret, c.post("/compte/second-facteur", "/compte/second-facteur", url.Values{"code": {code}})
}

// TestSecondFacteurPages: an administrator enrols through the page (a
// wrong code is refused next to its field), sees its recovery codes once,
// then signs in in two steps: password, then code. The password is never
// written into the second step's page. A wrong code or a forged ticket
// does not sign in; a centre cannot open the page.
func TestSecondFacteurPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		c.login("admin")
		p := c.post("/compte/second-facteur", "/compte/second-facteur", url.Values{"code": {"12"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Code incorrect : saisissez les 6 chiffres") {
			t.Fatalf("a wrong first code: %d %s", p.Status, p.Body)
		}
		secret, p := s.enrolPage(t, c)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Vos codes de secours") || strings.Contains(p.Body, secret) {
			t.Fatalf("after the activation: %d %s", p.Status, p.Body)
		}
		secours := regexpFind(t, `<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>`, p.Body)
		if p := c.get("/compte/second-facteur"); !strings.Contains(p.Body, "Il vous reste <strong>10</strong> codes de secours") || strings.Contains(p.Body, secret) || strings.Contains(p.Body, secours) {
			t.Errorf("the page once enrolled: %s", p.Body)
		}

		c = s.client()
		p = c.post("/connexion", "/connexion", url.Values{"identifiant": {"admin"}, "mot_de_passe": {password("admin")}, "suite": {"/admin/centres"}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `action="/connexion/code"`) || strings.Contains(p.Body, password("admin")) {
			t.Fatalf("the first step: %d %s", p.Status, p.Body)
		}
		ticket := regexpFind(t, `name="ticket" value="([^"]+)"`, p.Body)
		if c.get("/admin").Status != http.StatusSeeOther {
			t.Fatal("the first step alone opened a session")
		}
		code := func(d time.Duration) string {
			c, err := certification.CodeTOTP(secret, s.svc.Now().Add(d))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		p = c.post("/connexion", "/connexion/code", url.Values{"ticket": {ticket}, "code": {code(0)}, "suite": {"/admin/centres"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "déjà utilisé") {
			t.Errorf("the activation's code replayed: %d %s", p.Status, p.Body)
		}
		p = c.post("/connexion", "/connexion/code", url.Values{"ticket": {ticket + "x"}, "code": {code(30 * time.Second)}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "La connexion a expiré") {
			t.Errorf("a forged ticket: %d %s", p.Status, p.Body)
		}
		p = c.post("/connexion", "/connexion/code", url.Values{"ticket": {ticket}, "code": {code(30 * time.Second)}, "suite": {"/admin/centres"}})
		if p.Status != http.StatusSeeOther || p.Location != "/admin/centres" {
			t.Fatalf("the second step: %d %s %s", p.Status, p.Location, p.Body)
		}
		if got := c.get("/admin"); got.Status != http.StatusOK {
			t.Errorf("after the second step: %d", got.Status)
		}

		// A recovery code signs in once.
		for i, want := range []int{http.StatusSeeOther, http.StatusUnprocessableEntity} {
			c := s.client()
			p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"admin"}, "mot_de_passe": {password("admin")}})
			ticket := regexpFind(t, `name="ticket" value="([^"]+)"`, p.Body)
			if p := c.post("/connexion", "/connexion/code", url.Values{"ticket": {ticket}, "code": {secours}}); p.Status != want {
				t.Errorf("recovery code, use %d: %d %s", i+1, p.Status, p.Body)
			}
		}
		s.forbidden(t, []string{"centre", "jury1"}, "/compte/second-facteur")
	})
}

// TestSecondFacteurObligatoirePages: with the setting on, an autorité
// account without a second factor is sent to the enrolment page from any
// other page, and goes on once enrolled.
func TestSecondFacteurObligatoirePages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSiteService(t, db, app.Options{}, nil, func(o *certification.Options) { o.TOTPObligatoire = true })
		c := s.client()
		c.login("dreets")
		if p := c.get("/autorite/sessions"); p.Status != http.StatusSeeOther || p.Location != "/compte/second-facteur" {
			t.Fatalf("an autorité without its second factor: %d %s", p.Status, p.Location)
		}
		if p := c.get("/compte/second-facteur"); !strings.Contains(p.Body, "obligatoire pour votre compte") {
			t.Errorf("the enrolment page does not say it is required: %s", p.Body)
		}
		if _, p := s.enrolPage(t, c); p.Status != http.StatusOK {
			t.Fatalf("the enrolment: %d %s", p.Status, p.Body)
		}
		if p := c.get("/autorite/sessions"); p.Status != http.StatusOK {
			t.Errorf("once enrolled: %d %s", p.Status, p.Location)
		}
		centre := s.client()
		centre.login("centre")
		if p := centre.get("/centre/candidats"); p.Status != http.StatusOK {
			t.Errorf("a centre is not concerned: %d %s", p.Status, p.Location)
		}
	})
}

// TestReinitialisationSecondFacteur: an administrator with a second factor
// resets its password by e-mail. The link sets the password and is used
// up; the page then asks for the code, as the sign-in does, and the code
// signs in. The password alone never opens a session.
func TestReinitialisationSecondFacteur(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		dir := t.TempDir()
		s := newSiteMail(t, db, dir)
		c := s.client()
		c.login("admin")
		secret, p := s.enrolPage(t, c)
		if p.Status != http.StatusOK {
			t.Fatalf("the enrolment: %d %s", p.Status, p.Body)
		}
		c = s.client()
		c.post("/mot-de-passe-oublie", "/mot-de-passe-oublie", url.Values{"email": {"admin@cipcert.test"}})
		lien := lienRecu(t, dir, "reinitialisation", s.srv.URL)
		nouveau := "Un tout nouveau mot de passe 2026"
		p = c.post(lien, lien, url.Values{"mot_de_passe": {nouveau}, "confirmation": {nouveau}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `action="/connexion/code"`) || strings.Contains(p.Body, nouveau) {
			t.Fatalf("after the new password: %d %s", p.Status, p.Body)
		}
		if c.get("/admin").Status != http.StatusSeeOther {
			t.Fatal("the password alone opened a session")
		}
		if p := c.get(lien); p.Status != http.StatusGone {
			t.Errorf("the link once used: %d", p.Status)
		}
		ticket := regexpFind(t, `name="ticket" value="([^"]+)"`, p.Body)
		code, err := certification.CodeTOTP(secret, s.svc.Now().Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if p := c.post("/connexion", "/connexion/code", url.Values{"ticket": {ticket}, "code": {code}}); p.Status != http.StatusSeeOther {
			t.Fatalf("the code: %d %s", p.Status, p.Body)
		}
		if p := c.get("/admin"); p.Status != http.StatusOK {
			t.Errorf("signed in with the code: %d", p.Status)
		}
	})
}
