package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserPublicPages visits the pages anyone can open, and the homes
// of the roles whose own pages are still to come.
func TestBrowserPublicPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		v := s.person(t)
		v.open("/")
		if v.path() != "/connexion" {
			t.Errorf("/ for a visitor shows %s", v.path())
		}
		v.check("GET /", "racine")
		v.check("GET /connexion", "connexion")
		n := newSiteWith(t, db, app.Options{Neutre: true}).person(t)
		n.open("/connexion")
		n.check("GET /connexion", "connexion-neutre")
		for _, p := range []struct{ path, name, want string }{
			{"/accessibilite", "accessibilite", "non conforme"},
			{"/mentions-legales", "mentions-legales", "Directeur de la publication"},
			{"/donnees-personnelles", "donnees-personnelles", "Délégué à la protection des données"},
			{"/plan-du-site", "plan-du-site", "Vérifier un document"},
			{"/verification", "verification", "Code de vérification"},
		} {
			v.open(p.path)
			if !strings.Contains(v.body(), p.want) {
				t.Errorf("%s lacks %q", p.path, p.want)
			}
			v.check("GET "+p.path, p.name)
		}
		v.open("/nulle-part")
		if !strings.Contains(v.body(), "Page introuvable") {
			t.Errorf("404 page: %s", v.body())
		}
		v.check("", "erreur-404")

		// A refused sign-in keeps the identifiant and names the problem.
		v.open("/connexion")
		v.submit("#f-identifiant", "centre", "#f-mot-de-passe", "pas le bon")
		if got := v.text("#erreurs"); !strings.Contains(got, "Identifiant ou mot de passe incorrect.") {
			t.Errorf("refused sign-in says %q", got)
		}
		if focused := eval[string](v, `document.activeElement.id`); focused != "erreurs" {
			t.Errorf("focus after a refused form is on %q, want the error summary", focused)
		}
		v.check("POST /connexion", "connexion-erreur")

		for _, p := range []struct{ id, home, want string }{
			{"jury1", "/jury/sessions", "Mes sessions"}, {"dreets", "/autorite", "DREETS Auvergne-Rhône-Alpes"}, {"admin", "/admin", "Comptes"},
		} {
			u := s.person(t)
			u.login(p.id)
			if u.path() != p.home || !strings.Contains(u.body(), p.want) {
				t.Errorf("%s lands on %s: %s", p.id, u.path(), u.body())
			}
			u.check("GET "+p.home, "accueil-"+p.id)
			u.navigates(chromedp.Click(chromedp.CSS(`form[action="/deconnexion"] button`)))
			if !strings.Contains(u.body(), "Vous êtes déconnecté.") {
				t.Errorf("%s after logout: %s", p.id, u.body())
			}
			u.check("POST /deconnexion", "deconnexion")
		}
	})
}

// TestBrowserVerification follows a QR code, confirms the holder, and
// mistypes a code.
func TestBrowserVerification(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		v := s.person(t)
		v.open("/verification/" + par.CodeVerification)
		body := v.body()
		if !strings.Contains(body, "Document authentique et en vigueur") || !strings.Contains(body, "C. É. L.") ||
			strings.Contains(body, "Lefèvre") {
			t.Fatalf("QR page: %s", body)
		}
		v.check("GET /verification/:code", "verification-resultat")
		v.submit("#f-nom", "lefevre", "#f-date-naissance", "17/05/1994")
		if !strings.Contains(v.body(), "Camille Éloïse Lefèvre") {
			t.Errorf("confirmed holder: %s", v.body())
		}
		v.check("POST /verification/:code", "verification-confirmee")

		// The form takes a pasted address; a mistyped code gets the 404 page.
		v.open("/verification")
		v.submit("#f-code", s.svc.PublicURL()+"/verification/"+par.CodeVerification)
		if v.path() != "/verification/"+par.CodeVerification {
			t.Errorf("pasted address leads to %s", v.path())
		}
		mistyped := "ABCD-EFGH-JKMN"
		v.open("/verification/" + mistyped)
		if !strings.Contains(v.body(), "Code inconnu") {
			t.Errorf("mistyped code: %s", v.body())
		}
		if status := v.status(); status != 404 {
			t.Errorf("mistyped code answered %d, want 404", status)
		}
		v.check("", "verification-inconnu")
		v.open("/verification?code=12")
		v.check("GET /verification", "verification-erreur")
	})
}
