package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestJuryIncidentRetraitHTTP: a member withdraws an incident recorded by
// mistake while the session is held: it leaves the list and the PV, the
// signatures given are withdrawn, the trail keeps it. Another role, an
// unknown incident, and any withdrawal once the whole jury has signed are
// refused, and write nothing.
func TestJuryIncidentRetraitHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")}, [2]string{"Durand", "Léa"})
		base := "/jury/sessions/" + d.session
		j1 := s.client()
		j1.login("jury1")
		incident := func() string {
			p := j1.post(base, base+"/incidents", url.Values{"inscription_id": {d.ins["Durand"]}, "categorie": {"retard"}, "description": {"Arrivée à 9 h 40."}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("incident: %d %s", p.Status, p.Body)
			}
			ns, err := s.svc.Incidents(ctx, s.acteur("jury1"), d.session)
			if err != nil || len(ns) != 1 {
				t.Fatalf("incidents %+v %v", ns, err)
			}
			return ns[0].ID
		}
		id := incident()
		retrait := base + "/incidents/" + id + "/retrait"
		page := j1.get(base)
		if !strings.Contains(page.Body, `action="`+retrait+`"`) || !strings.Contains(page.Body, "Retirer l’incident « Candidat en retard » de Léa Durand") {
			t.Fatalf("no withdrawal button: %s", page.Body)
		}
		events := func() int64 {
			var n int64
			if err := db.Table("evenements").Where("action = 'incident_retire'").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, as := range []string{"centre", "dreets", "admin"} {
			c := s.client()
			home := c.login(as)
			if p := c.post(home, retrait, url.Values{}); p.Status != http.StatusForbidden {
				t.Errorf("%s withdraws: %d", as, p.Status)
			}
		}
		if p := j1.post(base, base+"/incidents/00000000-0000-0000-0000-000000000000/retrait", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("an unknown incident: %d", p.Status)
		}
		if events() != 0 {
			t.Fatal("refusals were journaled")
		}

		// jury1 records the candidat absent and signs; jury2 withdraws the
		// incident: the PV changed, jury1's signature goes.
		if _, err := s.svc.SaisirPresence(ctx, s.acteur("jury1"), d.session, d.ins["Durand"], 1, certification.PresenceSaisie{Presence: "absent"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.SignerPV(ctx, s.acteur("jury1"), d.session); err != nil {
			t.Fatal(err)
		}
		j2 := s.client()
		j2.login("jury2")
		p := j2.post(base, retrait, url.Values{})
		if p.Status != http.StatusSeeOther || p.Location != base+"?info=incident-retire#incidents" {
			t.Fatalf("withdrawal: %d %s", p.Status, p.Body)
		}
		if page := j2.get(base + "?info=incident-retire"); strings.Contains(page.Body, "Arrivée à 9 h 40.") || !strings.Contains(page.Body, "L’incident est retiré") {
			t.Errorf("after the withdrawal: %s", page.Body)
		}
		if events() != 1 {
			t.Errorf("%d withdrawal events", events())
		}
		if p := j2.post(base, retrait, url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("a second withdrawal: %d", p.Status)
		}
		sess, err := s.svc.Session(ctx, s.acteur("jury1"), d.session)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sess.Jury {
			if m.SigneAt != nil {
				t.Errorf("a signature survived the withdrawal: %+v", m)
			}
		}

		// Signed by the whole jury: the PV is final.
		id = incident()
		for _, j := range []string{"jury1", "jury2"} {
			if _, err := s.svc.SignerPV(ctx, s.acteur(j), d.session); err != nil {
				t.Fatal(err)
			}
		}
		p = j1.post(base, base+"/incidents/"+id+"/retrait", url.Values{})
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "verrouillés") {
			t.Errorf("a withdrawal after the signatures: %d %s", p.Status, p.Body)
		}
		if ns, _ := s.svc.Incidents(ctx, s.acteur("jury1"), d.session); len(ns) != 1 || events() != 1 {
			t.Errorf("the refused withdrawal changed the incidents: %+v", ns)
		}
	})
}

// TestMembreCompteHTTP: the autorité links a member's record to a jury
// account no record uses; the form offers only those, refuses an account
// of another role or one already linked, and the link is journaled.
func TestMembreCompteHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		admin := s.acteur("admin")
		libre, err := s.svc.CreateUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "jury9", Nom: "Claire Dubois",
			MotDePasse: "un-mot-de-passe-long", Role: certification.RoleJury})
		if err != nil {
			t.Fatal(err)
		}
		m := s.autreMembre()
		path := "/autorite/jury/" + m + "/compte"
		a := s.client()
		a.login("dreets")
		page := a.get("/autorite/jury/" + m)
		if !strings.Contains(page.Body, `value="`+libre.ID+`"`) || strings.Contains(page.Body, `value="`+s.acteur("jury1").UtilisateurID+`"`) {
			t.Fatalf("the accounts offered: %s", page.Body)
		}
		for _, as := range []string{"centre", "jury1", "admin"} {
			c := s.client()
			home := c.login(as)
			if p := c.post(home, path, url.Values{"utilisateur_id": {libre.ID}}); p.Status != http.StatusForbidden {
				t.Errorf("%s links: %d", as, p.Status)
			}
		}
		if p := a.post("/autorite/jury/"+m, path, url.Values{"utilisateur_id": {""}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Choisissez le compte du membre.") {
			t.Errorf("no account chosen: %d %s", p.Status, p.Body)
		}
		if p := a.post("/autorite/jury/"+m, path, url.Values{"utilisateur_id": {s.acteur("centre").UtilisateurID}}); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, "Le compte lié doit avoir le rôle jury.") || !strings.Contains(p.Body, `id="f-utilisateur-id-erreur"`) {
			t.Errorf("a centre account: %d %s", p.Status, p.Body)
		}
		if p := a.post("/autorite/jury/"+m, path, url.Values{"utilisateur_id": {s.acteur("jury1").UtilisateurID}}); p.Status != http.StatusConflict {
			t.Errorf("an account linked to another member: %d %s", p.Status, p.Body)
		}
		p := a.post("/autorite/jury/"+m, path, url.Values{"utilisateur_id": {libre.ID}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("link: %d %s", p.Status, p.Body)
		}
		if p := a.post("/autorite/jury/"+m, path, url.Values{"utilisateur_id": {libre.ID}}); p.Status != http.StatusConflict {
			t.Errorf("a second link: %d", p.Status)
		}
		var n int64
		if err := db.Table("evenements").Where("action = 'membre_compte_lie' AND objet_id = ?", m).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d link events (%v)", n, err)
		}
	})
}
