package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserAmenagements is the centre recording a candidat's
// aménagements d'épreuves from the session's record: an empty form refused
// on its fields, one recorded, changed and withdrawn, every page checked
// with axe; the session's jury reads them on its desk and on the
// candidat's file, the autorité on its review of the session.
func TestBrowserAmenagements(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		debut := certification.DateOf(s.svc.Now().AddDate(0, 0, 14))
		sess, in, _ := s.sessionDurand(t, debut)
		rec := "/centre/sessions/" + sess.ID

		u := s.person(t)
		u.login("centre")
		u.open(rec)
		u.click(`a[aria-label="Gérer les aménagements d’épreuves de Léa Durand"]`)
		if !strings.Contains(u.body(), "ni le handicap") {
			t.Errorf("the page does not say that no health data belongs here")
		}
		u.check("GET /centre/sessions/:id/inscriptions/:iid/amenagements", "amenagements")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-detail")))
		if u.status() != 422 || !strings.Contains(u.text("#f-type-erreur"), "Choisissez le type") ||
			!strings.Contains(u.text("#f-decision-reference-erreur"), "référence") {
			t.Fatalf("an empty form: %d %s", u.status(), u.body())
		}
		u.check("POST /centre/sessions/:id/inscriptions/:iid/amenagements", "amenagements-erreur")
		u.do(chromedp.SetValue(chromedp.CSS("#f-type"), "temps_majore"))
		u.fill("#f-detail", "Un tiers de temps en plus pour chaque épreuve")
		u.fill("#f-decision-reference", "DREETS-AMG-2026-014")
		u.fill("#f-decision-date", certification.DateOf(s.svc.Now().AddDate(0, 0, -7)).Francais())
		u.navigates(chromedp.Submit(chromedp.CSS("#f-detail")))
		if got := u.text(".fr-alert--success"); !strings.Contains(got, "L’aménagement est enregistré") || !strings.Contains(u.text("table"), "Un tiers de temps") {
			t.Fatalf("after recording: %q %s", got, u.body())
		}

		u.click(`a[aria-label="Modifier l’aménagement « Temps majoré »"]`)
		u.check("GET /centre/sessions/:id/inscriptions/:iid/amenagements/:aid", "amenagement-modification")
		u.fill("#f-detail", "Un tiers de temps en plus pour chaque épreuve, pauses comprises")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-detail")))
		if got := u.text(".fr-alert--success"); got != "L’aménagement est modifié." || !strings.Contains(u.text("table"), "pauses comprises") {
			t.Fatalf("after the change: %q", got)
		}
		u.check("POST /centre/sessions/:id/inscriptions/:iid/amenagements/:aid", "amenagement-modifie")

		// The session's record and the jury's desk show it.
		u.open(rec)
		if !strings.Contains(u.text("table"), "Temps majoré : Un tiers de temps en plus pour chaque épreuve, pauses comprises") {
			t.Errorf("the session's record does not show the aménagement: %s", u.text("table"))
		}
		j := s.person(t)
		j.login("jury1")
		j.open("/jury/sessions/" + sess.ID)
		if !strings.Contains(j.body(), "pauses comprises") {
			t.Errorf("the jury's desk does not show the aménagement")
		}
		j.open("/jury/sessions/" + sess.ID + "/candidats/" + in.ID)
		if !strings.Contains(j.body(), "Aménagements d’épreuves accordés") || !strings.Contains(j.body(), "DREETS-AMG-2026-014") {
			t.Errorf("the candidat's file does not show the aménagement")
		}
		// The autorité validates a PV whose épreuves the aménagement
		// shapes: its review of the session shows it beside the candidat.
		r := s.person(t)
		r.login("dreets")
		r.open("/autorite/sessions/" + sess.ID)
		if got := r.body(); !strings.Contains(got, "Aménagements d’épreuves :") ||
			!strings.Contains(got, "Temps majoré : Un tiers de temps en plus pour chaque épreuve, pauses comprises") {
			t.Errorf("the autorité's review does not show the aménagement: %s", got)
		}
		r.check("GET /autorite/sessions/:id", "autorite-session-amenagements")

		u.open(rec + "/inscriptions/" + in.ID + "/amenagements")
		u.navigates(chromedp.Click(chromedp.CSS(`button[aria-label="Retirer l’aménagement « Temps majoré »"]`)))
		if got := u.text(".fr-alert--success"); got != "L’aménagement est retiré." || strings.Contains(u.body(), "pauses comprises") {
			t.Fatalf("after the withdrawal: %q", got)
		}
		u.check("POST /centre/sessions/:id/inscriptions/:iid/amenagements/:aid/retrait", "amenagement-retire")
	})
}
