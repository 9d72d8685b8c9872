package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserCentreKeyboard signs in and registers a candidat with the
// keyboard alone: Tab, typing, Space and Enter, sent as real key events.
func TestBrowserCentreKeyboard(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		u := s.person(t)
		u.open("/connexion")
		u.tabTo("f-identifiant")
		u.typeKeys("centre")
		u.tabTo("f-mot-de-passe")
		u.typeKeys(password("centre"))
		u.navigates(chromedp.KeyEvent(kb.Enter))
		if u.path() != "/centre/candidats" {
			t.Fatalf("after sign-in: %s", u.path())
		}
		u.check("GET /centre/candidats", "candidats")

		// The link to the form, then the form, field by field.
		u.tabTo("ajouter-candidat")
		u.navigates(chromedp.KeyEvent(kb.Enter))
		u.check("GET /centre/candidats/nouveau", "candidat-nouveau")
		u.tabTo("f-parcours-0")
		u.typeKeys(" ") // Space checks the focused radio: formation
		for _, f := range []struct{ id, text string }{
			{"f-nom-naissance", "Durand"}, {"f-prenoms", "Léa Marie"}, {"f-date-naissance", "31/02/1998"},
			{"f-lieu-naissance", "Annecy (74)"}, {"f-email", "lea.durand@example.fr"},
			{"f-formation-debut", "05/01/2026"}, {"f-formation-fin", "25/09/2026"}, {"f-ecf-0-date-evaluation", "20/03/2026"},
		} {
			u.tabTo(f.id)
			u.typeKeys(f.text)
		}
		u.navigates(chromedp.KeyEvent(kb.Enter))
		if got := u.text("#erreurs"); !strings.Contains(got, "Date invalide") {
			t.Fatalf("impossible birth date: %s", got)
		}
		if got := eval[string](u, `document.activeElement.id`); got != "erreurs" {
			t.Errorf("focus after refusal on %q", got)
		}
		if got := get(u, chromedp.Value(chromedp.CSS("#f-prenoms"))); got != "Léa Marie" {
			t.Errorf("refused form lost the prénoms: %q", got)
		}
		u.check("POST /centre/candidats", "candidat-nouveau-erreur")

		// Correct the date from the keyboard and save with Enter.
		u.tabTo("f-date-naissance")
		u.do(chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)))
		u.typeKeys("12/04/1998")
		u.navigates(chromedp.KeyEvent(kb.Enter))
		if !strings.HasPrefix(u.path(), "/centre/candidats/") || !strings.Contains(u.body(), "Le candidat est enregistré.") {
			t.Fatalf("after creation: %s %s", u.path(), u.body())
		}
		id := strings.TrimPrefix(strings.Split(u.path(), "?")[0], "/centre/candidats/")
		c, err := s.svc.Candidat(context.Background(), s.acteur("centre"), id)
		if err != nil || c.Prenoms != "Léa Marie" || c.DateNaissance.String() != "1998-04-12" || c.Formation == nil ||
			len(c.ECF) != 1 || c.ECF[0].CCP != "CCP1" {
			t.Fatalf("created candidat: %+v %v", c, err)
		}
		u.check("GET /centre/candidats/:id", "candidat")
	})
}

// TestBrowserCentreConflict edits one candidat in two tabs: the second save
// shows what the first changed and keeps what was typed.
func TestBrowserCentreConflict(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		// Kowalski has no deliberated result: its identity may still change.
		id := s.candidatID("Kowalski")
		one := s.person(t)
		one.login("centre")
		two := one.newTab()
		edit := "/centre/candidats/" + id + "/modification"
		one.open(edit)
		two.open(edit)
		one.check("GET /centre/candidats/:id/modification", "candidat-modification")

		eval[string](two, `document.getElementById("f-lieu-naissance").value = ""`)
		two.submit("#f-lieu-naissance", "Lyon (69)")
		if !strings.Contains(two.body(), "Les modifications sont enregistrées.") {
			t.Fatalf("first save: %s", two.body())
		}

		eval[string](one, `document.getElementById("f-prenoms").value = ""`)
		one.submit("#f-prenoms", "Łukasz Jan")
		body := one.body()
		if one.status() != 409 || !strings.Contains(body, "modifié par quelqu’un d’autre") ||
			!strings.Contains(body, "Lieu de naissance") || !strings.Contains(body, "Lyon (69)") {
			t.Fatalf("stale save: %d %s", one.status(), body)
		}
		if got := get(one, chromedp.Value(chromedp.CSS("#f-prenoms"))); got != "Łukasz Jan" {
			t.Errorf("stale save lost what was typed: %q", got)
		}
		one.check("POST /centre/candidats/:id/modification", "candidat-conflit")

		// Saving again, knowingly, writes what this tab holds.
		one.navigates(chromedp.Submit(chromedp.CSS("#f-prenoms")))
		c, err := s.svc.Candidat(context.Background(), s.acteur("centre"), id)
		if err != nil || c.Prenoms != "Łukasz Jan" || c.LieuNaissance != "Łódź (Pologne)" {
			t.Errorf("after the second save: %+v %v", c, err)
		}
	})
}

// TestBrowserCentreBoundaries: another centre's candidat is a 404 page, a
// form posted without its CSRF token is refused, and archiving asks first.
func TestBrowserCentreBoundaries(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.candidatID("Lefèvre")
		other := s.person(t)
		other.login("centre2")
		other.open("/centre/candidats/" + id)
		if other.status() != 404 || !strings.Contains(other.body(), "Page introuvable") {
			t.Errorf("centre2 on centre's candidat: %d %s", other.status(), other.body())
		}
		other.check("", "candidat-autre-centre")

		u := s.person(t)
		u.login("centre")
		// The search ignores case and accents: LEFE finds Lefèvre.
		u.open("/centre/candidats?nom=LEFE")
		if !strings.Contains(u.body(), "Lefèvre") || strings.Contains(u.body(), "Nguyễn") {
			t.Errorf("search LEFE: %s", u.body())
		}
		// With JavaScript, the list follows what is typed (htmx), and the
		// address keeps the search, typed without the accents of Nguyễn.
		u.open("/centre/candidats")
		u.do(chromedp.SendKeys(chromedp.CSS("#f-nom"), "nguyen"))
		// Read through evaluation: the list is being replaced meanwhile.
		results := func() string {
			return eval[string](u, `(document.getElementById("resultats") || {innerText: ""}).innerText`)
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) && (strings.Contains(results(), "Lefèvre") || !strings.Contains(results(), "Nguyễn")) {
			time.Sleep(100 * time.Millisecond)
		}
		if got := results(); strings.Contains(got, "Lefèvre") || !strings.Contains(got, "Nguyễn") {
			t.Errorf("live search nguyen: %s", got)
		}
		if !strings.Contains(u.path(), "nom=nguyen") {
			t.Errorf("live search: the address is %s", u.path())
		}
		u.open("/centre/candidats/" + id + "/archivage")
		u.check("GET /centre/candidats/:id/archivage", "candidat-archivage")
		// Without its token the form is refused, and nothing is archived.
		eval[any](u, `document.querySelector('form[action$="/archivage"] input[name="_csrf"]').value = ""`)
		u.navigates(chromedp.Submit(chromedp.CSS(`form[action$="/archivage"] button`)))
		if u.status() != 403 || !strings.Contains(u.body(), "Ce formulaire a expiré") {
			t.Errorf("no CSRF token: %d %s", u.status(), u.body())
		}
		if c, _ := s.svc.Candidat(context.Background(), s.acteur("centre"), id); c.ArchiveAt != nil {
			t.Error("archived without a CSRF token")
		}
		// A stale archive says so; a fresh one archives.
		u.open("/centre/candidats/" + id + "/archivage")
		c, _ := s.svc.Candidat(context.Background(), s.acteur("centre"), id)
		in := candidatSaisie(c)
		// Not the identity: Lefèvre's is frozen by a deliberated result.
		in.Email = "camille.lefevre@exemple.fr"
		if _, err := s.svc.UpdateCandidat(context.Background(), s.acteur("centre"), id, c.Version, in); err != nil {
			t.Fatal(err)
		}
		u.navigates(chromedp.Submit(chromedp.CSS(`form[action$="/archivage"] button`)))
		if u.status() != 409 || !strings.Contains(u.body(), "modifié entre-temps") {
			t.Errorf("stale archive: %d %s", u.status(), u.body())
		}
		u.check("POST /centre/candidats/:id/archivage", "candidat-archivage-conflit")
		u.open("/centre/candidats/" + id + "/archivage")
		u.navigates(chromedp.Submit(chromedp.CSS(`form[action$="/archivage"] button`)))
		if !strings.Contains(u.body(), "Le candidat est archivé.") {
			t.Errorf("archive: %s", u.body())
		}
		if c, _ := s.svc.Candidat(context.Background(), s.acteur("centre"), id); c.ArchiveAt == nil {
			t.Error("not archived")
		}
		u.open("/centre/candidats")
		if strings.Contains(u.body(), "Lefèvre") {
			t.Error("an archived candidat is in the default list")
		}
		u.open("/centre/candidats?archives=1")
		if !strings.Contains(u.body(), "Lefèvre") {
			t.Error("an archived candidat is missing from the list with archives")
		}
	})
}

// candidatSaisie is a candidat's data as the service takes it back.
func candidatSaisie(c *certification.Candidat) certification.CandidatSaisie {
	return certification.CandidatSaisie{TitreCode: c.TitreCode, Parcours: c.Parcours, NomNaissance: c.NomNaissance,
		NomUsage: c.NomUsage, Prenoms: c.Prenoms, DateNaissance: c.DateNaissance, LieuNaissance: c.LieuNaissance,
		Email: c.Email, Formation: c.Formation, ECF: c.ECF, Recevabilite: c.Recevabilite,
		MoisExperience: c.MoisExperience, CCPAnterieurs: c.CCPAnterieurs}
}
