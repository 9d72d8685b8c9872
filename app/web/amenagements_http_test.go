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

// TestAmenagementsPagesAccess: the candidat reads its aménagements in its
// space; another centre gets 404 on the page and its form, and writes
// nothing; once the session is held the page offers no form and a post
// is refused (409).
func TestAmenagementsPagesAccess(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		centre := s.acteur("centre")
		today := certification.DateOf(s.svc.Now())
		sess, in, id := s.sessionDurand(t, today)
		if _, err := s.svc.AccorderAmenagement(ctx, centre, sess.ID, in.ID, certification.NouvelAmenagement{Type: "format_adapte",
			Detail: "Sujets imprimés en corps 18", DecisionReference: "DREETS-AMG-2026-021", DecisionDate: today}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.CreateUtilisateur(ctx, s.acteur("admin"), certification.NouvelUtilisateur{
			Identifiant: "durand", Nom: "Léa Durand", MotDePasse: "durand-mot-de-passe-long", Role: certification.RoleCandidat,
			CandidatID: id}); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		c.get("/connexion")
		if p := c.post("/connexion", "/connexion", url.Values{"identifiant": {"durand"}, "mot_de_passe": {"durand-mot-de-passe-long"}}); p.Location != "/mon-espace" {
			t.Fatalf("sign-in: %d %q", p.Status, p.Location)
		}
		if body := c.get("/mon-espace").Body; !strings.Contains(body, "Vos aménagements d’épreuves") || !strings.Contains(body, "Sujets imprimés en corps 18") {
			t.Errorf("the candidat's space does not show its aménagements")
		}

		page := "/centre/sessions/" + sess.ID + "/inscriptions/" + in.ID + "/amenagements"
		autre := s.client()
		autre.login("centre2")
		if p := autre.get(page); p.Status != http.StatusNotFound || strings.Contains(p.Body, "corps 18") {
			t.Errorf("another centre's page: %d", p.Status)
		}
		rows := s.countAmenagements()
		form := url.Values{"type": {"temps_majore"}, "decision_reference": {"X-1"}, "decision_date": {today.Francais()}}
		if p := autre.post("/mon-espace", page, form); p.Status != http.StatusNotFound {
			t.Errorf("another centre's post: %d", p.Status)
		}

		if _, err := s.svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.TenirSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		// The autorité validates a PV whose épreuves the aménagement shaped:
		// its review shows it; another region's autorité does not see the session.
		revue := "/autorite/sessions/" + sess.ID
		dreets := s.client()
		dreets.login("dreets")
		if p := dreets.get(revue); p.Status != http.StatusOK || !strings.Contains(p.Body, "Aménagements d’épreuves") ||
			!strings.Contains(p.Body, "Sujets imprimés en corps 18") {
			t.Errorf("the autorité's review does not show the aménagement: %d", p.Status)
		}
		pdl := s.client()
		pdl.login("dreets-pdl")
		if p := pdl.get(revue); p.Status != http.StatusNotFound || strings.Contains(p.Body, "corps 18") {
			t.Errorf("another region's autorité: %d", p.Status)
		}
		u := s.client()
		u.login("centre")
		if p := u.get(page); p.Status != http.StatusOK || strings.Contains(p.Body, "Enregistrer l’aménagement") || !strings.Contains(p.Body, "La session est tenue") {
			t.Errorf("a held session's page: %d", p.Status)
		}
		if p := u.post(page, page, form); p.Status != http.StatusConflict || !strings.Contains(p.Body, "se fixent avant") {
			t.Errorf("a post once held: %d", p.Status)
		}
		if got := s.countAmenagements(); got != rows {
			t.Errorf("refused posts wrote: %d rows, had %d", got, rows)
		}
	})
}

func (s *site) countAmenagements() int64 {
	s.t.Helper()
	var n int64
	if err := s.db.Table("amenagements").Count(&n).Error; err != nil {
		s.t.Fatal(err)
	}
	return n
}
