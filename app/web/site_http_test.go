package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

func TestSignIn(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		t.Run("each role lands on its home", func(t *testing.T) {
			for id, home := range map[string]string{"candidat": "/mon-espace", "centre": "/centre/candidats",
				"jury1": "/jury/sessions", "dreets": "/autorite", "admin": "/admin"} {
				c := s.client()
				if got := c.login(id); got != home {
					t.Errorf("%s lands on %q, want %q", id, got, home)
				}
				p := c.get(home)
				if p.Status != http.StatusOK || !strings.Contains(p.Body, "Se déconnecter") {
					t.Errorf("%s home: %d", id, p.Status)
				}
				if ck := p.Header.Get("Cache-Control"); ck != "no-store" {
					t.Errorf("%s home Cache-Control = %q", id, ck)
				}
				if got := c.get("/").Location; got != home {
					t.Errorf("%s: / redirects to %q, want %q", id, got, home)
				}
			}
		})
		t.Run("cookie", func(t *testing.T) {
			c := s.client()
			p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {password("centre")}})
			ck := p.Header.Get("Set-Cookie")
			for _, want := range []string{"cipcert_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(ck, want) {
					t.Errorf("session cookie %q lacks %s", ck, want)
				}
			}
		})
		t.Run("wrong password", func(t *testing.T) {
			c := s.client()
			p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {"non"}})
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Identifiant ou mot de passe incorrect.") {
				t.Errorf("wrong password: %d", p.Status)
			}
			if strings.Contains(p.Body, `value="non"`) {
				t.Error("the password typed is written back into the page")
			}
			p = c.post("/connexion", "/connexion", url.Values{})
			if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Saisissez votre identifiant.") ||
				!strings.Contains(p.Body, `id="f-identifiant" name="identifiant" value="" autocomplete="username" aria-describedby="f-identifiant-erreur"`) {
				t.Errorf("empty form: %d %s", p.Status, p.Body)
			}
		})
		t.Run("back to the page asked", func(t *testing.T) {
			c := s.client()
			p := c.get("/centre/candidats?nom=ngu")
			if p.Status != http.StatusSeeOther || p.Location != "/connexion?suite=%2Fcentre%2Fcandidats%3Fnom%3Dngu" {
				t.Fatalf("anonymous: %d %q", p.Status, p.Location)
			}
			form := c.get(p.Location)
			if !strings.Contains(form.Body, `name="suite" value="/centre/candidats?nom=ngu"`) {
				t.Fatalf("the form does not carry suite")
			}
			p = c.post(p.Location, "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {password("centre")},
				"suite": {"/centre/candidats?nom=ngu"}})
			if p.Location != "/centre/candidats?nom=ngu" {
				t.Errorf("after sign-in: %q", p.Location)
			}
			for _, bad := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
				c := s.client()
				p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {password("centre")},
					"suite": {bad}})
				if p.Location != "/centre/candidats" {
					t.Errorf("suite=%q redirects to %q", bad, p.Location)
				}
			}
		})
		t.Run("logout revokes the token", func(t *testing.T) {
			c := s.client()
			c.login("candidat")
			p := c.post("/mon-espace", "/deconnexion", url.Values{})
			if p.Status != http.StatusSeeOther || p.Location != "/connexion?info=deconnecte" {
				t.Fatalf("logout: %d %q", p.Status, p.Location)
			}
			if p := c.get("/connexion?info=deconnecte"); !strings.Contains(p.Body, "Vous êtes déconnecté.") {
				t.Error("no confirmation after logout")
			}
			if p := c.get("/mon-espace"); p.Status != http.StatusSeeOther {
				t.Errorf("after logout /mon-espace: %d", p.Status)
			}
		})
		t.Run("expired session", func(t *testing.T) {
			c := s.client()
			c.login("centre")
			form := c.get("/centre/candidats")
			u, _ := url.Parse(s.srv.URL)
			for _, ck := range c.http.Jar.Cookies(u) {
				if ck.Name == "cipcert_session" {
					if err := s.svc.Deconnexion(context.Background(), ck.Value); err != nil {
						t.Fatal(err)
					}
				}
			}
			// A form loaded before the end of the session leads to sign-in, not to a refusal.
			p := c.do("POST", "/deconnexion", url.Values{"_csrf": {csrfOf(t, form.Body)}}, browserAccept)
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion") {
				t.Errorf("logout after expiry: %d %q", p.Status, p.Location)
			}
			if p := c.get("/centre/candidats/nouveau"); p.Status != http.StatusSeeOther ||
				p.Location != "/connexion?suite=%2Fcentre%2Fcandidats%2Fnouveau" {
				t.Errorf("revoked session: %d %q", p.Status, p.Location)
			}
		})
		t.Run("wrong role", func(t *testing.T) {
			c := s.client()
			c.login("candidat")
			p := c.get("/centre/candidats")
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Accès refusé") {
				t.Errorf("candidat on /centre/candidats: %d", p.Status)
			}
		})
	})
}

func TestCSRF(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		c.get("/connexion")
		form := url.Values{"identifiant": {"centre"}, "mot_de_passe": {password("centre")}}
		for name, tok := range map[string]string{"missing": "", "wrong": strings.Repeat("0", 64)} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tok != "" {
				f.Set("_csrf", tok)
			}
			p := c.do("POST", "/connexion", f, browserAccept)
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Ce formulaire a expiré") {
				t.Errorf("%s token: %d", name, p.Status)
			}
			if strings.Contains(p.Header.Get("Set-Cookie"), "cipcert_session") {
				t.Errorf("%s token: signed in", name)
			}
		}
		// A token is bound to the session: the one of the signed-out page
		// no longer serves once signed in.
		before := csrfOf(t, c.get("/connexion").Body)
		c.login("candidat")
		f := url.Values{"_csrf": {before}}
		if p := c.do("POST", "/deconnexion", f, browserAccept); p.Status != http.StatusForbidden {
			t.Errorf("pre-login token on logout: %d", p.Status)
		}
	})
}

func TestErrorPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		p := c.get("/nulle-part")
		if p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Page introuvable") ||
			!strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			t.Errorf("browser 404: %d %s", p.Status, p.Header.Get("Content-Type"))
		}
		for _, accept := range []string{"*/*", "application/json"} {
			p := c.do("GET", "/nulle-part", nil, accept)
			if p.Status != http.StatusNotFound || !strings.HasPrefix(p.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("Accept %s: %d %s", accept, p.Status, p.Header.Get("Content-Type"))
			}
		}
		if p := c.get("/api/v1/nulle-part"); !strings.HasPrefix(p.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("API 404 to a browser: %s", p.Header.Get("Content-Type"))
		}
		// Another centre's candidat is not found, exactly like a made-up id.
		c.login("centre2")
		for _, id := range []string{s.candidatID("Lefèvre"), "01900000-0000-7000-8000-000000000000", "pas-un-id"} {
			if p := c.get("/centre/candidats/" + id); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Page introuvable") {
				t.Errorf("centre2 on candidat %s: %d", id, p.Status)
			}
		}
	})
}

func TestStatic(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		body := c.get("/connexion").Body
		for _, path := range []string{"/static/vendor/dsfr@1.15.3/dsfr.min.css", "/static/vendor/htmx.org@2.0.11/htmx.min.js",
			"/static/vendor/dsfr@1.15.3/fonts/Marianne-Regular.woff2"} {
			p := c.get(path)
			if p.Status != http.StatusOK || p.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("%s: %d %q", path, p.Status, p.Header.Get("Cache-Control"))
			}
		}
		// Compressed for who accepts it, byte for byte the same once inflated.
		req, _ := http.NewRequest("GET", s.srv.URL+"/static/vendor/dsfr@1.15.3/dsfr.min.css", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		zipped, _ := io.ReadAll(res.Body)
		res.Body.Close()
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("dsfr.min.css not compressed: %q %v", res.Header.Get("Content-Encoding"), err)
		}
		plain, _ := io.ReadAll(zr)
		if direct := c.get("/static/vendor/dsfr@1.15.3/dsfr.min.css").Body; string(plain) != direct || len(zipped) > len(direct)/4 {
			t.Errorf("compressed %d bytes into %d", len(direct), len(zipped))
		}
		app := regexpFind(t, `href="(/static/app@[0-9a-f]+/app\.css)"`, body)
		if p := c.get(app); p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/css") {
			t.Errorf("%s: %d", app, p.Status)
		}
		for _, path := range []string{"/static/app@000000000000/app.css", "/static/vendor/../../web.go", "/static/templates/layout.html"} {
			if p := c.get(path); p.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, p.Status)
			}
		}
		if strings.Contains(body, "http://") || strings.Contains(body, `src="https://`) || strings.Contains(body, `href="//`) {
			t.Error("a page loads something from another host")
		}
	})
}

func TestCandidatListPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		centre := s.acteur("centre")
		for i := range 25 {
			in := certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: certification.ParcoursFormation,
				NomNaissance: fmt.Sprintf("Martin%02d", i), Prenoms: "Jean", DateNaissance: certification.NewDate(1990, 1, 2),
				LieuNaissance: "Lyon (69)", Email: "j@example.fr",
				Formation: &certification.Periode{Debut: certification.NewDate(2026, 1, 5), Fin: certification.NewDate(2026, 9, 25)}}
			if _, err := s.svc.CreateCandidat(context.Background(), centre, in); err != nil {
				t.Fatal(err)
			}
		}
		c := s.client()
		c.login("centre")
		first := c.get("/centre/candidats?nom=mar&parcours=formation")
		next := regexpFind(t, `href="(/centre/candidats\?[^"]*apres=[^"]+)"`, first.Body)
		next = strings.ReplaceAll(next, "&amp;", "&")
		if !strings.Contains(next, "nom=mar") || !strings.Contains(next, "parcours=formation") {
			t.Errorf("next page link drops the filters: %s", next)
		}
		second := c.get(next)
		if n1, n2 := strings.Count(first.Body, `href="/centre/candidats/0`), strings.Count(second.Body, `href="/centre/candidats/0`); n1 != 20 || n2 != 5 {
			t.Errorf("pages of %d and %d candidats, want 20 and 5", n1, n2)
		}
		if !strings.Contains(second.Body, "Martin24") || strings.Contains(second.Body, "Martin00") {
			t.Error("second page holds the wrong candidats")
		}
		if p := c.get("/centre/candidats?parcours=inconnu"); p.Status != http.StatusOK || !strings.Contains(p.Body, "Parcours inconnu.") {
			t.Errorf("unknown parcours filter: %d", p.Status)
		}
	})
}

func TestNeutralTheme(t *testing.T) {
	db := certtest.Open(t, "sqlite")
	etat := newSite(t, db).client().get("/connexion").Body
	if !strings.Contains(etat, `<p class="fr-logo">`) || strings.Contains(etat, "cc-neutre") {
		t.Error("the default theme lacks the bloc marque")
	}
	neutre := newSiteWith(t, certtest.Open(t, "sqlite"), app.Options{Neutre: true}).client().get("/connexion").Body
	if strings.Contains(neutre, "fr-logo") || strings.Contains(neutre, "gouv.fr") || !strings.Contains(neutre, `class="cc-neutre"`) {
		t.Error("the neutral theme shows the État's marks")
	}
}

func TestLoginLimitShared(t *testing.T) {
	db := certtest.Open(t, "sqlite")
	s := newSiteWith(t, db, app.Options{LoginBurst: 2})
	c := s.client()
	for range 2 {
		c.post("/connexion", "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {"non"}})
	}
	// The API's attempts and the form's draw on the same limit.
	p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"centre"}, "mot_de_passe": {password("centre")}})
	if p.Status != http.StatusTooManyRequests || !strings.Contains(p.Body, "Trop de tentatives") || p.Header.Get("Retry-After") == "" {
		t.Errorf("third attempt: %d", p.Status)
	}
	res, err := http.Post(s.srv.URL+"/api/v1/auth/connexion", "application/json",
		strings.NewReader(`{"identifiant":"centre","mot_de_passe":"`+password("centre")+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the API after the form's attempts: %d, want 429", res.StatusCode)
	}
}

// TestMonEspacePartial: a réussite partielle shows each CCP acquis or not,
// the next step and the deadline, and the livret to download.
func TestMonEspacePartial(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		s.issueDemoDocuments()
		if _, err := s.svc.CreateUtilisateur(context.Background(), s.acteur("admin"), certification.NouvelUtilisateur{
			Identifiant: "nguyen", Nom: "Thị Hoa Nguyễn", MotDePasse: "nguyen-demo-cipcert", Role: certification.RoleCandidat,
			CandidatID: s.candidatID("Nguyễn")}); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		c.get("/connexion")
		p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"nguyen"}, "mot_de_passe": {"nguyen-demo-cipcert"}})
		if p.Location != "/mon-espace" {
			t.Fatalf("sign-in: %d %q", p.Status, p.Location)
		}
		body := c.get("/mon-espace").Body
		for _, want := range []string{"Réussite partielle", "Non acquis", "Acquis", "Date limite pour obtenir le titre",
			"Livret de certification n° ", "PDF — ", "Prochaine étape"} {
			if !strings.Contains(body, want) {
				t.Errorf("mon espace lacks %q", want)
			}
		}
		if strings.Contains(body, "Parchemin") {
			t.Error("a partial success shows a parchemin")
		}
		// Another candidat's document is not found.
		other := s.client()
		other.login("candidat")
		id := regexpFind(t, `href="/mon-espace/documents/([0-9a-f-]+)\.pdf"`, body)
		if p := other.get("/mon-espace/documents/" + id + ".pdf"); p.Status != http.StatusNotFound {
			t.Errorf("another candidat's livret: %d", p.Status)
		}
	})
}
