package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// lienRecu waits for the e-mail carrying a link of that genre
// ("invitation", "reinitialisation") in the mail folder, and returns the
// link's path on the site.
func lienRecu(t *testing.T, dir, genre, base string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			if l, err := certtest.LienDuMessage(raw); err == nil && strings.Contains(l, "/"+genre+"/") {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
				return strings.TrimPrefix(l, base)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s e-mail in %s", genre, dir)
	return ""
}

// TestBrowserInvitation: a centre invites its candidat by e-mail without
// ever seeing the link; the candidat opens the link from the e-mail, sets
// its password and is signed in; the link then no longer serves. The
// candidat changes its password, forgets it, and resets it by e-mail. The
// centre deactivates and reactivates the account.
func TestBrowserInvitation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		dir := t.TempDir()
		s := newSiteMail(t, db, dir)
		id := s.candidatID("Nguyễn")

		centre := s.person(t)
		centre.login("centre")
		centre.open("/centre/candidats/" + id + "/compte")
		centre.navigates(chromedp.Click(chromedp.CSS(`form[action$="/compte/invitation"] button`)))
		body := centre.body()
		if !strings.Contains(body, "L’invitation est partie par courriel") || strings.Contains(body, "/invitation/") {
			t.Errorf("after the invitation the centre reads: %s", body)
		}
		centre.check("POST /centre/candidats/:id/compte/invitation", "compte-candidat-invitation")

		lien := lienRecu(t, dir, "invitation", s.srv.URL)
		c := s.person(t)
		c.open(lien)
		c.check("GET /invitation/:jeton", "invitation")
		c.submit("#f-mot-de-passe", "une phrase de passe", "#f-confirmation", "une autre phrase")
		if c.status() != 422 || !strings.Contains(c.body(), "Les deux saisies du mot de passe diffèrent.") {
			t.Errorf("confirmation differing: %d %s", c.status(), c.body())
		}
		c.check("POST /invitation/:jeton", "invitation-erreur")
		c.submit("#f-mot-de-passe", "une phrase de passe choisie", "#f-confirmation", "une phrase de passe choisie")
		if !strings.HasPrefix(c.path(), "/mon-espace") || !strings.Contains(c.body(), "Votre mot de passe est enregistré : vous êtes connecté.") {
			t.Fatalf("after the invitation: %s %s", c.path(), c.body())
		}
		// Used once: the link no longer serves.
		again := s.person(t)
		again.open(lien)
		if again.status() != 410 || !strings.Contains(again.body(), "n’est plus valable") {
			t.Errorf("invitation used twice: %d %s", again.status(), again.body())
		}

		// The candidat changes its password: the current one is required.
		c.open("/compte/mot-de-passe")
		c.check("GET /compte/mot-de-passe", "mot-de-passe")
		c.submit("#f-mot-de-passe-actuel", "pas le bon mot de passe", "#f-nouveau-mot-de-passe", "une phrase toute neuve", "#f-confirmation", "une phrase toute neuve")
		if c.status() != 422 || !strings.Contains(c.body(), "Le mot de passe actuel est incorrect.") {
			t.Errorf("wrong current password: %d %s", c.status(), c.body())
		}
		c.check("POST /compte/mot-de-passe", "mot-de-passe-erreur")
		c.submit("#f-mot-de-passe-actuel", "une phrase de passe choisie", "#f-nouveau-mot-de-passe", "une phrase toute neuve", "#f-confirmation", "une phrase toute neuve")
		if !strings.Contains(c.body(), "Votre mot de passe est changé") {
			t.Errorf("after the change: %s %s", c.path(), c.body())
		}

		// Forgotten: the request answers alike, the link comes by e-mail.
		f := s.person(t)
		f.open("/connexion")
		f.navigates(chromedp.Click(chromedp.CSS(`a[href="/mot-de-passe-oublie"]`)))
		f.check("GET /mot-de-passe-oublie", "mot-de-passe-oublie")
		f.submit("#f-email", "pas une adresse")
		if f.status() != 422 {
			t.Errorf("not an address: %d %s", f.status(), f.body())
		}
		f.check("POST /mot-de-passe-oublie", "mot-de-passe-oublie-erreur")
		f.open("/mot-de-passe-oublie")
		f.submit("#f-email", "hoa.nguyen@example.fr")
		if !strings.Contains(f.body(), "Si un compte actif utilise cette adresse") {
			t.Errorf("after the request: %s", f.body())
		}
		lien = lienRecu(t, dir, "reinitialisation", s.srv.URL)
		f.open(lien)
		f.check("GET /reinitialisation/:jeton", "reinitialisation")
		f.submit("#f-mot-de-passe", "court", "#f-confirmation", "court")
		if f.status() != 422 {
			t.Errorf("a short password: %d %s", f.status(), f.body())
		}
		f.check("POST /reinitialisation/:jeton", "reinitialisation-erreur")
		f.submit("#f-mot-de-passe", "une phrase retrouvée", "#f-confirmation", "une phrase retrouvée")
		if !strings.HasPrefix(f.path(), "/mon-espace") {
			t.Errorf("after the reset: %s %s", f.path(), f.body())
		}
		// The reset closed the candidat's other session.
		c.open("/mon-espace")
		if !strings.HasPrefix(c.path(), "/connexion") {
			t.Errorf("a session from before the reset still serves: %s", c.path())
		}

		// The centre deactivates the account: the candidat's session ends
		// at once; reactivated, it does not come back.
		centre.open("/centre/candidats/" + id + "/compte")
		centre.submit("#f-motif", "Abandon de la formation")
		if !strings.Contains(centre.body(), "Le compte du candidat est désactivé") {
			t.Errorf("after the deactivation: %s", centre.body())
		}
		centre.check("POST /centre/candidats/:id/compte/desactivation", "compte-candidat-desactive")
		f.open("/mon-espace")
		if !strings.HasPrefix(f.path(), "/connexion") {
			t.Errorf("the session of a deactivated account still serves: %s", f.path())
		}
		centre.submit("#f-motif", "Reprise de la formation")
		if !strings.Contains(centre.body(), "Le compte du candidat est réactivé") {
			t.Errorf("after the reactivation: %s", centre.body())
		}
		centre.check("POST /centre/candidats/:id/compte/reactivation", "compte-candidat-reactive")
		f.open("/mon-espace")
		if !strings.HasPrefix(f.path(), "/connexion") {
			t.Errorf("reactivation revived a session: %s", f.path())
		}
	})
}
