package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

//go:embed testdata/axe-core@4.14.1/axe.min.js
var axeSource string

// desk drives a headless Chromium through the centre's session pages,
// checking each page it lands on with axe and at 375 px wide.
type desk struct {
	t    *testing.T
	ctx  context.Context
	base string
	// checked holds the route paths (with their :params) axe has checked.
	checked map[string]bool
	shots   string
}

// newDesk starts a browser for one test. Screenshots of every checked page
// go to $CIPCERT_SCREENSHOTS when it is set.
func newDesk(t *testing.T, base string) *desk {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "fr-FR"), chromedp.WindowSize(1280, 900))
	if p := os.Getenv("CHROMIUM"); p != "" {
		opts = append(opts, chromedp.ExecPath(p))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	d := &desk{t: t, ctx: ctx, base: base, checked: map[string]bool{}}
	if dir := os.Getenv("CIPCERT_SCREENSHOTS"); dir != "" {
		d.shots = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-"))
		if err := os.MkdirAll(d.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// axe is injected from the test, not served: let it past the CSP.
	d.run(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
		return err
	}))
	return d
}

func (d *desk) fail(err error) {
	d.t.Helper()
	loc, _ := chromedp.Run(d.ctx, chromedp.Location())
	d.t.Fatalf("browser at %s: %v", loc, err)
}

func (d *desk) run(steps ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, steps...); err != nil {
		d.fail(err)
	}
}

// eval runs a script and decodes its result (awaited if a promise).
func eval[T any](d *desk, js string) T {
	d.t.Helper()
	v, err := chromedp.Run(d.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *desk) open(path string) { d.t.Helper(); d.run(chromedp.Navigate(d.base + path)) }

func (d *desk) wait(sel string) { d.t.Helper(); d.run(chromedp.WaitVisible(chromedp.CSS(sel))) }

// text returns the text of the first element matching sel.
func (d *desk) text(sel string) string {
	d.t.Helper()
	s, err := chromedp.Run(d.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		d.fail(err)
	}
	return strings.TrimSpace(s)
}

func (d *desk) location() string {
	d.t.Helper()
	loc, err := chromedp.Run(d.ctx, chromedp.Location())
	if err != nil {
		d.fail(err)
	}
	return strings.TrimPrefix(loc, d.base)
}

// fill types into an input after clearing it.
func (d *desk) fill(sel, value string) {
	d.t.Helper()
	d.run(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

func (d *desk) click(sel string) { d.t.Helper(); d.run(chromedp.Click(chromedp.CSS(sel))) }

// submit clicks a button and waits for the next page to show sel.
func (d *desk) submit(button, sel string) {
	d.t.Helper()
	d.click(button)
	d.wait(sel)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// check runs axe on the page shown, which the route route serves, and
// then checks that the page does not scroll sideways at 375 px.
func (d *desk) check(route, name string) {
	d.t.Helper()
	d.run(chromedp.EmulateViewport(1280, 900), chromedp.Sleep(150*time.Millisecond), chromedp.Evaluate[chromedp.Void](axeSource))
	raw := eval[string](d, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		d.t.Fatal(err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, fmt.Sprint(n.Target...))
			}
			d.t.Errorf("%s (%s): axe %s %s: %s on %s", name, d.location(), v.Impact, v.ID, v.Help, strings.Join(targets, ", "))
		}
	}
	d.checked[route] = true
	d.shot(name + "-1280")
	d.run(chromedp.EmulateViewport(375, 800), chromedp.Sleep(150*time.Millisecond))
	if eval[bool](d, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
		d.t.Errorf("%s: the page scrolls sideways at 375 px", name)
	}
	d.shot(name + "-375")
	d.run(chromedp.EmulateViewport(1280, 900))
}

func (d *desk) shot(name string) {
	if d.shots == "" {
		return
	}
	png, err := chromedp.Run(d.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		d.fail(err)
	}
	if err := os.WriteFile(filepath.Join(d.shots, name+".png"), png, 0o644); err != nil {
		d.t.Fatal(err)
	}
}

func (d *desk) login(identifiant string) {
	d.t.Helper()
	d.open("/connexion")
	d.fill("#f-identifiant", identifiant)
	d.fill("#f-mot-de-passe", password(identifiant))
	d.submit(`main form button[type="submit"]`, `form[action="/deconnexion"]`)
}

func (d *desk) logout() {
	d.t.Helper()
	d.run(chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/deconnexion"]').submit()`))
	d.run(chromedp.WaitNotPresent(chromedp.CSS(`form[action="/deconnexion"]`)))
}

// TestBrowserCentreSessionDesk: a centre plans a session, corrects the
// error shown on a field, declares it, enrols a candidat in formation
// continue, holds the session; then opens the candidat's account, whose
// activation link signs the candidat in once and is refused afterwards.
func TestBrowserCentreSessionDesk(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		centre := s.acteur("centre")
		d := certification.NewDate
		cand, err := s.svc.CreateCandidat(context.Background(), centre, certification.CandidatSaisie{TitreCode: "TP-00403",
			Parcours: "formation", NomNaissance: "Durand", Prenoms: "Léa", DateNaissance: d(1998, 4, 12), LieuNaissance: "Annecy (74)",
			Email: "lea.durand@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)},
			ECF: []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)},
				{CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}})
		if err != nil {
			t.Fatal(err)
		}
		jury := s.habilitatedJury()
		b := newDesk(t, s.srv.URL)
		b.login("centre")

		b.open("/centre/sessions")
		b.wait("table caption")
		b.check("/centre/sessions", "liste")
		b.submit(`a[href="/centre/sessions/nouvelle"]`, "#f-lieu")
		b.check("/centre/sessions/nouvelle", "planifier")
		today := certification.DateOf(s.svc.Now()).Francais()
		b.fill("#f-debut", today)
		b.fill("#f-fin", today)
		b.fill("#f-responsable", "Sophie Garnier")
		for _, id := range jury[:2] {
			b.click(`label[for="` + b.inputID("jury", id) + `"]`)
		}
		// The place is missing: the message stands under its field, the
		// summary links to it and takes the focus.
		b.submit(`main form button[type="submit"]`, "#f-lieu-erreur")
		if got := b.text("#f-lieu-erreur"); got != "Indiquez le lieu de la session." {
			t.Errorf("place error: %q", got)
		}
		if focused := eval[string](b, `document.activeElement.id`); focused != "erreurs" {
			t.Errorf("focus on %q after a refused form, want the error summary", focused)
		}
		b.check("/centre/sessions/nouvelle", "planifier-erreur")
		b.fill("#f-lieu", "Lyon, 12 rue de la République")
		b.submit(`main form button[type="submit"]`, "h1 .fr-badge")
		rec := b.location()
		if !regexp.MustCompile(`^/centre/sessions/[0-9a-f-]{36}\?info=session-planifiee$`).MatchString(rec) {
			t.Fatalf("after planning: %s", rec)
		}
		rec, _, _ = strings.Cut(rec, "?")
		if got := b.text("h1 .fr-badge"); !strings.EqualFold(got, "Planifiée") {
			t.Errorf("badge %q", got)
		}
		if got := b.text("#raison-tenir"); got != "La session doit d'abord être déclarée." {
			t.Errorf("hold disabled with %q", got)
		}
		b.check("/centre/sessions/:id", "session-planifiee")

		b.submit(`form[action$="/declaration"] button`, `#raison-declarer`)
		if got := b.text(".fr-alert--success"); got != "La session est déclarée." {
			t.Errorf("notice %q", got)
		}
		// The cancellation asks its reason in a modal named by its title.
		b.submit(`button[aria-controls="modale-annulation"]`, "#modale-annulation.fr-modal--opened #f-motif")
		b.run(chromedp.Sleep(500 * time.Millisecond)) // the modal fades in
		b.check("/centre/sessions/:id", "session-modale-annulation")
		b.click(`#modale-annulation .fr-btn--close`)
		b.run(chromedp.WaitNotPresent(chromedp.CSS("#modale-annulation.fr-modal--opened")))
		b.open(rec + "/annulation")
		b.check("/centre/sessions/:id/annulation", "annulation-sans-js")

		b.open(rec)
		b.submit(`a[href$="/inscription"]`, `button[aria-label="Inscrire Léa Durand"]`)
		b.check("/centre/sessions/:id/inscription", "inscription")
		// The demo's Camille Lefèvre already holds the titre: refused, with
		// the reason on her row.
		b.submit(`button[aria-label="Inscrire Camille Éloïse Lefèvre"]`, `#erreurs`)
		if got := b.text(`#refus-` + s.candidatID("Lefèvre")); got == "" {
			t.Error("no reason on the refused candidat's row")
		}
		b.check("/centre/sessions/:id/inscription", "inscription-refus")
		b.submit(`button[aria-label="Inscrire Léa Durand"]`, "table caption")
		if got := b.text("tbody"); !strings.Contains(got, "Durand") || !strings.Contains(got, "Formation") {
			t.Errorf("enrolled candidats: %q", got)
		}
		b.submit(`form[action$="/tenue"] button`, "#raison-tenir")
		if got := b.text("h1 .fr-badge"); !strings.EqualFold(got, "Tenue") {
			t.Errorf("badge after holding %q", got)
		}
		if got := b.text("#raison-inscrire"); got != "La session est tenue : les inscriptions sont closes." {
			t.Errorf("enrolment disabled with %q", got)
		}
		tiles := eval[[]string](b, `[...document.querySelectorAll(".fr-tile__title a")].map(a => a.getAttribute("href"))`)
		if len(tiles) != 1 || !strings.HasSuffix(tiles[0], "/pv-brouillon.pdf") {
			t.Errorf("download tiles %v, want the draft PV alone", tiles)
		}
		b.check("/centre/sessions/:id", "session-tenue")
		b.open("/centre/sessions?statut=tenue")
		b.wait(`a[href="` + rec + `"]`)

		// The candidat's account: the centre gets a link, never a password.
		b.open("/centre/candidats/" + cand.ID + "/compte")
		b.wait("main form button")
		b.check("/centre/candidats/:id/compte", "compte")
		b.submit("main form button", "#lien-activation")
		link := b.text("#lien-activation")
		if !strings.HasPrefix(link, s.srv.URL+"/activation/") {
			t.Fatalf("activation link %q", link)
		}
		b.check("/centre/candidats/:id/compte", "compte-lien")
		b.logout()

		b.run(chromedp.Navigate(link))
		b.wait("#f-mot-de-passe")
		b.check("/activation/:jeton", "activation")
		b.fill("#f-mot-de-passe", "court")
		b.fill("#f-confirmation", "court")
		b.submit(`main form button[type="submit"]`, "#f-mot-de-passe-erreur")
		b.check("/activation/:jeton", "activation-erreur")
		b.fill("#f-mot-de-passe", "ma phrase de passe à moi")
		b.fill("#f-confirmation", "ma phrase de passe à moi")
		b.submit(`main form button[type="submit"]`, ".fr-alert--success")
		if loc := b.location(); loc != "/mon-espace?info=compte-active" {
			t.Errorf("after activation: %s", loc)
		}
		if got := b.text(".fr-alert--success"); got != "Votre compte est activé : vous êtes connecté." {
			t.Errorf("notice %q", got)
		}
		b.logout()
		b.run(chromedp.Navigate(link))
		b.wait("h1")
		if got := b.text("main .fr-alert"); !strings.Contains(got, "Ce lien d'activation n'est plus valable") {
			t.Errorf("second use: %q", got)
		}
		b.check("/activation/:jeton", "activation-refus")

		// Every page of the desk a person opens was checked.
		for _, p := range web.Pages() {
			mine := strings.HasPrefix(p.Path, "/centre/sessions") || strings.HasPrefix(p.Path, "/activation/") ||
				strings.HasSuffix(p.Path, "/compte")
			if mine && p.Method == "GET" && !strings.HasSuffix(p.Path, ".pdf") && !strings.HasSuffix(p.Path, ".zip") && !b.checked[p.Path] {
				t.Errorf("no accessibility check of %s", p.Path)
			}
		}
	})
}

// inputID returns the id of the checkbox of a group whose value is value.
func (d *desk) inputID(name, value string) string {
	d.t.Helper()
	ids := eval[[]string](d, fmt.Sprintf(`[...document.querySelectorAll('input[name=%q][value=%q]')].map(e => e.id)`, name, value))
	if len(ids) != 1 || slices.Contains(ids, "") {
		d.t.Fatalf("checkbox %s=%s: %v", name, value, ids)
	}
	return ids[0]
}
