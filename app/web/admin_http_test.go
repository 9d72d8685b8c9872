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

// TestAdminComptesHTTP: the administrator's accounts pages refuse the other
// roles, refuse a deactivation without a reason or without the CSRF token
// and write nothing then, and a deactivation closes the account's open
// session at once: its next page sends it to sign in, saying why.
func TestAdminComptesHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		jury := s.acteur("jury1").UtilisateurID
		path := "/admin/comptes/" + jury + "/desactivation"

		for _, id := range []string{"centre", "jury1", "dreets", "candidat"} {
			c := s.client()
			c.login(id)
			for _, p := range []string{"/admin", "/admin/centres", "/admin/taches", path, "/admin/comptes/" + jury + "/reactivation"} {
				if got := c.get(p); got.Status != http.StatusForbidden {
					t.Errorf("%s on %s: %d", id, p, got.Status)
				}
			}
		}

		j := s.client()
		j.login("jury1")
		a := s.client()
		a.login("admin")
		list := a.get("/admin?role=jury")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, "jury1") || strings.Contains(list.Body, ">dreets<") {
			t.Fatalf("accounts of the jury role: %d %s", list.Status, list.Body)
		}
		if p := a.get("/admin?role=autorite"); !strings.Contains(p.Body, "DREETS Auvergne-Rhône-Alpes") {
			t.Errorf("the autorité accounts without their territory: %s", p.Body)
		}
		if p := a.get("/admin/comptes/00000000-0000-0000-0000-000000000000/desactivation"); p.Status != http.StatusNotFound {
			t.Errorf("an unknown account: %d", p.Status)
		}
		if p := a.do("POST", path, url.Values{"motif": {"Fin de mission"}}, browserAccept); p.Status != http.StatusForbidden {
			t.Errorf("a deactivation without the CSRF token: %d", p.Status)
		}
		if p := a.post(path, path, url.Values{"motif": {"  "}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Indiquez le motif") {
			t.Errorf("a deactivation without a reason: %d %s", p.Status, p.Body)
		}
		if p := j.get("/jury/sessions"); p.Status != http.StatusOK {
			t.Fatalf("refused deactivations closed the session: %d", p.Status)
		}

		p := a.post(path, path, url.Values{"motif": {"Fin de mission"}})
		if p.Status != http.StatusSeeOther || p.Location != "/admin?info=compte-desactive" {
			t.Fatalf("deactivation: %d %s", p.Status, p.Body)
		}
		p = j.get("/jury/sessions")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/connexion?") || !strings.Contains(p.Location, "info=session-terminee") {
			t.Fatalf("the deactivated account's next page: %d %q", p.Status, p.Location)
		}
		if p := j.get(p.Location); !strings.Contains(p.Body, "Votre session a pris fin") {
			t.Errorf("the sign-in page does not say why: %s", p.Body)
		}

		back := "/admin/comptes/" + jury + "/reactivation"
		if p := a.post(back, back, url.Values{"motif": {"Nouvelle mission"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("reactivation: %d %s", p.Status, p.Body)
		}
		if got := j.login("jury1"); got != "/jury/sessions" {
			t.Errorf("sign-in after reactivation lands on %q", got)
		}
		// The administrator's own account offers no deactivation.
		if strings.Contains(a.get("/admin").Body, "/admin/comptes/"+s.acteur("admin").UtilisateurID+"/desactivation") {
			t.Error("the administrator is offered to deactivate its own account")
		}
	})
}

// TestAdminCreationHTTP: the administrator creates an autorité account with
// its territory, then changes the territory; a refused form writes nothing
// and says why; the other roles get 403.
func TestAdminCreationHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ce := s.client()
		ce.login("dreets")
		if p := ce.get("/admin/comptes/nouveau"); p.Status != http.StatusForbidden {
			t.Errorf("the autorité on the creation page: %d", p.Status)
		}
		a := s.client()
		a.login("admin")
		count := func() int64 {
			var n int64
			if err := db.Table("utilisateurs").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		const nouveau = "/admin/comptes/nouveau"
		form := url.Values{"identifiant": {"ddets-69"}, "nom": {"Élodie Saint-Éloi"}, "mot_de_passe": {"un-mot-de-passe-long"},
			"role": {"autorite"}, "territoire.autorite": {"DDETS du Rhône"}}
		if p := a.post(nouveau, nouveau, form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Un compte de l") ||
			strings.Contains(p.Body, "un-mot-de-passe-long") {
			t.Errorf("an autorité account without région nor départements: %d %s", p.Status, p.Body)
		}
		if n := count(); n != before {
			t.Fatalf("a refused creation wrote %d accounts", n-before)
		}
		form.Set("territoire.departements", "69")
		if p := a.post(nouveau, nouveau, form); p.Status != http.StatusSeeOther {
			t.Fatalf("creation: %d %s", p.Status, p.Body)
		}
		list := a.get("/admin?role=autorite")
		if !strings.Contains(list.Body, "DDETS du Rhône — 69") {
			t.Fatalf("the new account's territory: %s", list.Body)
		}
		var id string
		if err := db.Table("utilisateurs").Select("id").Where("identifiant = ?", "ddets-69").Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		path := "/admin/comptes/" + id + "/territoire"
		if p := a.post(path, path, url.Values{"territoire.autorite": {"DDETS du Rhône"}, "territoire.departements": {"69, 1"}}); p.Status != http.StatusUnprocessableEntity {
			t.Errorf("a département badly written: %d", p.Status)
		}
		if p := a.post(path, path, url.Values{"territoire.autorite": {"DDETS du Rhône"}, "territoire.departements": {"69, 01"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("territory change: %d %s", p.Status, p.Body)
		}
		if !strings.Contains(a.get("/admin?role=autorite").Body, "DDETS du Rhône — 69, 01") {
			t.Error("the territory changed is not listed")
		}
		if p := a.get("/admin/comptes/" + s.acteur("jury1").UtilisateurID + "/territoire"); p.Status != http.StatusNotFound {
			t.Errorf("the territory page of a jury account: %d", p.Status)
		}
	})
}

// TestAdminEmailHTTP: the administrator's list shows each account's address
// and links to its form; a bad address is refused on the field, nothing
// written; a good one is stored and listed; the other roles are refused.
func TestAdminEmailHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		jury := s.acteur("jury2").UtilisateurID
		path := "/admin/comptes/" + jury + "/email"
		c := s.client()
		c.login("centre")
		if p := c.get(path); p.Status != http.StatusForbidden {
			t.Errorf("a centre on the address page: %d", p.Status)
		}
		a := s.client()
		a.login("admin")
		if list := a.get("/admin?role=jury"); !strings.Contains(list.Body, `href="`+path+`"`) || !strings.Contains(list.Body, "karim.benali@example.fr") {
			t.Fatalf("the list offers no address change, or hides the address: %s", list.Body)
		}
		if p := a.post(path, path, url.Values{"email": {"karim.benali"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nom@domaine.fr") {
			t.Errorf("a bad address: %d %s", p.Status, p.Body)
		}
		if p := a.post(path, path, url.Values{"email": {"k.benali@jury.example.fr"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("address change: %d %s", p.Status, p.Body)
		}
		var stored string
		if err := db.Table("utilisateurs").Select("email").Where("id = ?", jury).Scan(&stored).Error; err != nil || stored != "k.benali@jury.example.fr" {
			t.Errorf("stored address %q (%v)", stored, err)
		}
		if !strings.Contains(a.get("/admin?info=email").Body, "k.benali@jury.example.fr") {
			t.Error("the new address is not listed")
		}
	})
}

// TestMotDePasseOublieLimiteHTTP: the reset request page shares the API's
// limit per address: past it, a 429 page that says when to try again,
// with Retry-After.
func TestMotDePasseOublieLimiteHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSiteWith(t, db, app.Options{LoginBurst: 2, LoginEvery: time.Hour})
		c := s.client()
		const oublie = "/mot-de-passe-oublie"
		for i := 0; i < 2; i++ {
			if p := c.post(oublie, oublie, url.Values{"email": {"admin@cipcert.test"}}); p.Status != http.StatusOK {
				t.Fatalf("request %d: %d %s", i+1, p.Status, p.Body)
			}
		}
		p := c.post(oublie, oublie, url.Values{"email": {"Admin@cipcert.test"}})
		if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, "Trop de demandes : réessayez dans") {
			t.Errorf("third request: %d Retry-After %q %s", p.Status, p.Header.Get("Retry-After"), p.Body)
		}
	})
}
