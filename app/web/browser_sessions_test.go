package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// fill clears an input and types value into it.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	eval[any](tb, fmt.Sprintf(`document.querySelector(%q).value = ""`, sel))
	tb.do(chromedp.SendKeys(chromedp.CSS(sel), value))
}

// click clicks an element and waits for the page it loads.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.navigates(chromedp.Click(chromedp.CSS(sel)))
}

// inputID returns the id of the input of a group whose value is value.
func (tb *tab) inputID(name, value string) string {
	tb.t.Helper()
	ids := eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll('input[name=%q][value=%q]')].map(e => e.id)`, name, value))
	if len(ids) != 1 || ids[0] == "" {
		tb.t.Fatalf("input %s=%s: %v", name, value, ids)
	}
	return ids[0]
}

// TestBrowserCentreSessionDesk is the centre's journey: it registers a
// candidat in formation continue through the candidat form, correcting
// the error shown on a field; plans a session, correcting its place;
// declares it, enrols the candidat, and holds it. Then it opens the
// candidat's account from the candidat's page: the activation link signs
// the candidat in once and is refused afterwards.
func TestBrowserCentreSessionDesk(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		jury := s.habilitatedJury()
		u := s.person(t)
		u.login("centre")

		// The candidat, through the form; an impossible birth date first.
		u.open("/centre/candidats/nouveau")
		u.do(chromedp.Click(chromedp.CSS(`label[for="f-parcours-0"]`)))
		u.submit("#f-nom-naissance", "Durand", "#f-prenoms", "Léa", "#f-date-naissance", "31/02/1998",
			"#f-lieu-naissance", "Annecy (74)", "#f-email", "lea.durand@example.fr",
			"#f-formation-debut", "05/01/2026", "#f-formation-fin", "25/09/2026",
			"#f-ecf-0-date-evaluation", "20/03/2026", "#f-ecf-1-date-evaluation", "12/06/2026",
			"#f-ecf-2-date-evaluation", "11/09/2026")
		if got := u.text("#f-date-naissance-erreur"); !strings.Contains(got, "Date invalide") {
			t.Fatalf("impossible birth date: %q", got)
		}
		if got := eval[string](u, `document.activeElement.id`); got != "erreurs" {
			t.Errorf("focus on %q after a refused form, want the error summary", got)
		}
		u.fill("#f-date-naissance", "12/04/1998")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-date-naissance")))
		if !strings.HasPrefix(u.path(), "/centre/candidats/") || !strings.Contains(u.body(), "Le candidat est enregistré.") {
			t.Fatalf("after creation: %s %s", u.path(), u.body())
		}
		candID := strings.TrimPrefix(strings.Split(u.path(), "?")[0], "/centre/candidats/")
		cand, err := s.svc.Candidat(context.Background(), s.acteur("centre"), candID)
		if err != nil || cand.Parcours != certification.ParcoursFormation || cand.DateNaissance.String() != "1998-04-12" || len(cand.ECF) != 3 {
			t.Fatalf("created candidat: %+v %v", cand, err)
		}

		// The session: the place is missing, its message stands under its field.
		u.open("/centre/sessions")
		u.check("GET /centre/sessions", "sessions")
		u.click(`a[href="/centre/sessions/nouvelle"]`)
		u.check("GET /centre/sessions/nouvelle", "session-nouvelle")
		today := certification.DateOf(s.svc.Now()).Francais()
		u.fill("#f-debut", today)
		u.fill("#f-fin", today)
		u.fill("#f-responsable", "Sophie Garnier")
		for _, id := range jury[:2] {
			u.do(chromedp.Click(chromedp.CSS(`label[for="` + u.inputID("jury", id) + `"]`)))
		}
		u.navigates(chromedp.Submit(chromedp.CSS("#f-responsable")))
		if got := u.text("#f-lieu-erreur"); got != "Indiquez le lieu de la session." {
			t.Errorf("place error: %q", got)
		}
		if got := eval[string](u, `document.activeElement.id`); got != "erreurs" {
			t.Errorf("focus on %q after a refused form, want the error summary", got)
		}
		u.check("POST /centre/sessions/nouvelle", "session-nouvelle-erreur")
		u.fill("#f-lieu", "Lyon, 12 rue de la République")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-lieu")))
		rec := u.path()
		if !regexp.MustCompile(`^/centre/sessions/[0-9a-f-]{36}\?info=session-planifiee$`).MatchString(rec) {
			t.Fatalf("after planning: %s", rec)
		}
		rec, _, _ = strings.Cut(rec, "?")
		if got := u.text("h1 .fr-badge"); !strings.EqualFold(got, "Planifiée") {
			t.Errorf("badge %q", got)
		}
		if got := u.text("#raison-tenir"); got != "La session doit d'abord être déclarée." {
			t.Errorf("hold disabled with %q", got)
		}
		u.check("GET /centre/sessions/:id", "session-planifiee")

		u.click(`form[action$="/declaration"] button`)
		if got := u.text(".fr-alert--success"); got != "La session est déclarée." {
			t.Errorf("notice %q", got)
		}
		u.check("POST /centre/sessions/:id/declaration", "session-declaree")

		// The cancellation asks its reason in a modal named by its title;
		// without JavaScript, on a page of its own, which refuses no reason.
		u.do(chromedp.Click(chromedp.CSS(`button[aria-controls="modale-annulation"]`)),
			chromedp.WaitVisible(chromedp.CSS("#modale-annulation.fr-modal--opened #f-motif")))
		// The modal fades in: axe and the screenshots wait for the end of
		// its transition, not for a guess of its length.
		get(u, chromedp.Poll[bool](`document.getAnimations().every(a => a.playState !== "running")`,
			chromedp.WithPollingTimeout(10*time.Second)))
		u.check("GET /centre/sessions/:id", "session-modale-annulation")
		u.open(rec + "/annulation")
		u.check("GET /centre/sessions/:id/annulation", "session-annulation")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if u.status() != 422 || !strings.Contains(u.text("#f-motif-erreur"), "motif") {
			t.Errorf("cancel without a reason: %d %s", u.status(), u.body())
		}
		u.check("POST /centre/sessions/:id/annulation", "session-annulation-erreur")

		// Enrolment: the demo's Camille Lefèvre already holds the titre,
		// refused with the reason on her row; Léa Durand is enrolled.
		u.open(rec)
		u.click(`a[href$="/inscription"]`)
		u.check("GET /centre/sessions/:id/inscription", "session-inscription")
		u.click(`button[aria-label="Inscrire Camille Éloïse Lefèvre"]`)
		if got := u.text(`#refus-` + s.candidatID("Lefèvre")); got == "" {
			t.Error("no reason on the refused candidat's row")
		}
		u.check("POST /centre/sessions/:id/inscription", "session-inscription-refus")
		u.click(`button[aria-label="Inscrire Léa Durand"]`)
		if got := u.text("tbody"); !strings.Contains(got, "Durand") || !strings.Contains(got, "Formation") {
			t.Errorf("enrolled candidats: %q", got)
		}

		u.click(`form[action$="/tenue"] button`)
		if got := u.text("h1 .fr-badge"); !strings.EqualFold(got, "Tenue") {
			t.Errorf("badge after holding %q", got)
		}
		if got := u.text("#raison-inscrire"); got != "La session est tenue : les inscriptions sont closes." {
			t.Errorf("enrolment disabled with %q", got)
		}
		tiles := eval[[]string](u, `[...document.querySelectorAll(".fr-tile__title a")].map(a => a.getAttribute("href"))`)
		// Nothing issued yet: the centre's documents and the draft PV.
		want := []string{"/convocations.pdf", "/emargement.pdf", "/convocation.pdf", "/pv-brouillon.pdf"}
		if len(tiles) != len(want) {
			t.Errorf("download tiles %v, want the convocations, the feuille d'émargement and the draft PV", tiles)
		}
		for i := range min(len(tiles), len(want)) {
			if !strings.HasSuffix(tiles[i], want[i]) {
				t.Errorf("download tile %d: %s, want …%s", i, tiles[i], want[i])
			}
		}
		u.check("POST /centre/sessions/:id/tenue", "session-tenue")
		u.open("/centre/sessions?statut=tenue")
		if n := eval[int](u, `document.querySelectorAll('a[href="`+rec+`"]').length`); n != 1 {
			t.Errorf("the held session in the list filtered on tenue: %d links", n)
		}

		// The candidat's account, from its page: a link, never a password.
		u.open("/centre/candidats/" + candID)
		u.click(`form[action="/centre/candidats/` + candID + `/compte"] button`)
		link := u.text("#lien-activation")
		if !strings.HasPrefix(link, s.srv.URL+"/activation/") {
			t.Fatalf("activation link %q", link)
		}
		u.check("POST /centre/candidats/:id/compte", "compte-lien")
		u.open("/centre/candidats/" + candID + "/compte")
		if got := u.body(); !strings.Contains(got, "Identifiant : lea.durand, lien valable jusqu’au") || strings.Contains(got, link) {
			t.Errorf("the account page again: %s", got)
		}
		u.check("GET /centre/candidats/:id/compte", "compte")

		// The candidat, in a browser of its own.
		c := s.person(t)
		c.open(strings.TrimPrefix(link, s.srv.URL))
		c.check("GET /activation/:jeton", "activation")
		c.submit("#f-mot-de-passe", "court", "#f-confirmation", "court")
		if got := c.text("#f-mot-de-passe-erreur"); got == "" {
			t.Error("no message on a short password")
		}
		c.check("POST /activation/:jeton", "activation-erreur")
		c.fill("#f-mot-de-passe", "ma phrase de passe à moi")
		c.fill("#f-confirmation", "ma phrase de passe à moi")
		c.navigates(chromedp.Submit(chromedp.CSS("#f-confirmation")))
		if c.path() != "/mon-espace?info=compte-active" || c.text(".fr-alert--success") != "Votre compte est activé : vous êtes connecté." {
			t.Errorf("after activation: %s %s", c.path(), c.body())
		}
		again := s.person(t)
		again.open(strings.TrimPrefix(link, s.srv.URL))
		if got := again.text("main .fr-alert"); !strings.Contains(got, "Ce lien d'activation n'est plus valable") {
			t.Errorf("second use: %q", got)
		}
		again.check("GET /activation/:jeton", "activation-refus")

		// The candidat's page now says the account is active.
		u.open("/centre/candidats/" + candID)
		if got := u.body(); !strings.Contains(got, "se connecte avec l’identifiant lea.durand") || strings.Contains(got, "Ouvrir le compte du candidat") {
			t.Errorf("candidat page after activation: %s", got)
		}
		u.check("GET /centre/candidats/:id", "candidat-compte-active")
	})
}

// download fetches path from the page, with the person's cookies, and
// returns its status, content type and bytes.
func (tb *tab) download(path string) (int, string, []byte) {
	tb.t.Helper()
	r := eval[[]string](tb, `(async () => {
		const r = await fetch(`+fmt.Sprintf("%q", path)+`);
		const b = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (const x of b) s += String.fromCharCode(x);
		return [String(r.status), r.headers.get("Content-Type") || "", btoa(s)];
	})()`, chromedp.EvalAwaitPromise)
	data, err := base64.StdEncoding.DecodeString(r[2])
	if err != nil {
		tb.t.Fatal(err)
	}
	var status int
	fmt.Sscan(r[0], &status)
	return status, r[1], data
}

// TestBrowserCentreSessionDownloads: a validated session's record offers
// the draft PV and the livret previews, then the ZIP once documents are
// issued; each link serves what it says.
func TestBrowserCentreSessionDownloads(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var id string
		if err := db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
			t.Fatalf("validated demo session: %v", err)
		}
		rec := "/centre/sessions/" + id
		u := s.person(t)
		u.login("centre")
		issued := s.issueDemoDocuments()
		u.open(rec)
		u.check("GET /centre/sessions/:id", "session-validee")
		tiles := eval[[]string](u, `[...document.querySelectorAll(".fr-tile__title a")].map(a => a.getAttribute("href"))`)
		var livret, zip string
		for _, h := range tiles {
			switch {
			case strings.HasSuffix(h, "/livret-apercu.pdf"):
				livret = h
			case strings.HasSuffix(h, "/documents.zip"):
				zip = h
			}
		}
		if livret == "" || zip == "" {
			t.Fatalf("tiles of a validated session with documents: %v", tiles)
		}
		for route, path := range map[string]string{
			"GET /centre/sessions/:id/pv-brouillon.pdf":                    rec + "/pv-brouillon.pdf",
			"GET /centre/sessions/:id/inscriptions/:iid/livret-apercu.pdf": livret,
		} {
			status, typ, data := u.download(path)
			if status != 200 || typ != "application/pdf" || !strings.HasPrefix(string(data), "%PDF") {
				t.Errorf("%s: %d %s", path, status, typ)
			}
			fetched(t, route)
		}
		status, typ, data := u.download(zip)
		if status != 200 || typ != "application/zip" {
			t.Fatalf("zip: %d %s", status, typ)
		}
		for _, d := range issued {
			if !strings.Contains(string(data), web.DocumentFileName(d)) {
				t.Errorf("the ZIP lacks %s", web.DocumentFileName(d))
			}
		}
		fetched(t, "GET /centre/sessions/:id/documents.zip")
	})
}
