package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// keys sends key events one by one and counts them: the keyboard journeys
// report how many keys an entry took.
type keys struct {
	tb *tab
	n  int
}

func (k *keys) press(ks ...string) {
	k.tb.t.Helper()
	for _, key := range ks {
		k.n++
		k.tb.do(chromedp.KeyEvent(key))
	}
}

// pressNavigates presses a key that loads another page, and waits for it.
func (k *keys) pressNavigates(key string) {
	k.tb.t.Helper()
	k.n++
	k.tb.navigates(chromedp.KeyEvent(key))
}

// tabUntil presses Tab until the focused element matches the CSS selector.
func (k *keys) tabUntil(sel string) {
	k.tb.t.Helper()
	for range 120 {
		if eval[bool](k.tb, fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel)) {
			return
		}
		k.press(kb.Tab)
	}
	k.tb.t.Fatalf("%s cannot be reached with Tab", sel)
}

// until waits for a JavaScript condition to hold in the page: the
// synchronisation on what the page shows, never a delay.
func (tb *tab) until(js string) {
	tb.t.Helper()
	get(tb, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second)))
}

// focused is the id of the focused element.
func (tb *tab) focused() string {
	tb.t.Helper()
	return eval[string](tb, `document.activeElement ? document.activeElement.id : ""`)
}

// openModal opens a DSFR modal with its button and waits until it has
// faded in.
func (tb *tab) openModal(k *keys, button, modal string) {
	tb.t.Helper()
	// The DSFR's script marks the button once it drives the modal: a key
	// pressed before would do nothing.
	tb.until(fmt.Sprintf(`document.getElementById(%q).hasAttribute("data-fr-js-modal-button")`, button))
	k.tabUntil("#" + button)
	k.press(kb.Enter)
	tb.until(fmt.Sprintf(`(() => { const m = document.querySelector("#%s.fr-modal--opened"); return !!m && getComputedStyle(m).opacity === "1"; })()`, modal))
}

// TestBrowserJuryDesk: two jury members record a session of three
// candidats with the keyboard alone — one obtains the titre, one a partial
// success with the reasons of its non acquis, one is absent — report an
// incident, read the draft PV and sign; after the second signature the
// session is délibérée and locked. The keys of one candidat's entry are
// counted.
func TestBrowserJuryDesk(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")},
			[2]string{"Durand", "Léa"}, [2]string{"Petit", "Hugo"}, [2]string{"Roux", "Paul"})
		base := "/jury/sessions/" + d.session
		form := func(nom string) string { return base + "/candidats/" + d.ins[nom] }

		u := s.person(t)
		u.login("jury1")
		if u.path() != "/jury/sessions" {
			t.Fatalf("jury1 lands on %s", u.path())
		}
		u.check("GET /jury/sessions", "jury-sessions")
		k := &keys{tb: u}
		k.tabUntil(`a[href="` + base + `"]`)
		k.pressNavigates(kb.Enter)
		u.check("GET /jury/sessions/:id", "jury-session")

		// Presence from the list: the box saves at once, the counter follows.
		k.tabUntil("#present-" + d.ins["Petit"])
		k.press(" ")
		u.until(`document.getElementById("compteur").textContent.includes("1 / 3 présents")`)
		if got := u.focused(); got != "present-"+d.ins["Petit"] {
			t.Errorf("focus after saving a presence: %q", got)
		}
		u.check("POST /jury/sessions/:id/presence", "jury-session-presence")

		// Durand, from her form: presence, entretien final, three acquis on
		// the elements her route implies. The keys are counted from the
		// form's opening to the next candidat's.
		k.tabUntil(`a[href="` + form("Durand") + `"]`)
		k.pressNavigates(kb.Enter)
		u.check("GET /jury/sessions/:id/candidats/:iid", "jury-saisie")
		if got := u.focused(); got != "f-presence-0" {
			t.Fatalf("the form opens with the focus on %q, want the presence", got)
		}
		start := k.n
		k.press(" ", kb.Tab, " ")
		for range 3 {
			k.press(kb.Tab, " ")
		}
		k.pressNavigates(kb.Enter)
		count := k.n - start
		t.Logf("keys to record a candidat's presence, entretien final and three acquis decisions with their elements: %d", count)
		if count > 20 {
			t.Errorf("%d keys for one candidat, goal 20", count)
		}
		if u.path() != form("Petit")+"?info=saisie-enregistree" {
			t.Fatalf("after Durand's entry: %s", u.path())
		}
		u.check("POST /jury/sessions/:id/candidats/:iid", "jury-saisie-suivant")

		// Petit, present from the list: CCP2 non acquis, with its reasons.
		if got := u.focused(); got != "f-presence-0" {
			t.Fatalf("focus on %q on Petit's form", got)
		}
		k.press(kb.Tab, " ", kb.Tab, " ", kb.Tab, kb.ArrowRight)
		u.until(`!document.querySelector('[data-motifs="CCP2"]').hidden`)
		k.press(kb.Tab)
		if got := u.focused(); got != "f-motifs-CCP2" {
			t.Fatalf("after non acquis, focus on %q, want its motifs", got)
		}
		motifs := "Le plan d’action n’est pas formalisé avec la personne."
		u.do(chromedp.KeyEvent(motifs))
		k.press(kb.Tab, " ")
		k.pressNavigates(kb.Enter)

		// Roux is absent: the decisions leave the form.
		if u.path() != form("Roux")+"?info=saisie-enregistree" {
			t.Fatalf("after Petit's entry: %s", u.path())
		}
		k.press(kb.ArrowDown)
		u.until(`document.querySelector("[data-si-present]").hidden`)
		k.pressNavigates(kb.Enter)
		if !strings.HasPrefix(u.path(), base+"?info=saisie-terminee") {
			t.Fatalf("after the last candidat: %s", u.path())
		}
		if got := eval[string](u, `document.getElementById("compteur").textContent`); got != "2 / 3 présents" {
			t.Errorf("counter %q", got)
		}

		// An incident, with the keyboard: a refusal first, then recorded.
		k.tabUntil("#f-inscription-id")
		k.press(kb.ArrowDown)
		k.tabUntil(`#incidents button[type="submit"]`)
		k.pressNavigates(kb.Enter)
		if got := u.text("#f-categorie-groupe"); !strings.Contains(got, "Choisissez la catégorie") {
			t.Errorf("incident without a category: %q", got)
		}
		u.check("POST /jury/sessions/:id/incidents", "jury-incident-erreur")
		k.tabUntil("#f-categorie")
		k.press(kb.ArrowDown)
		k.tabUntil("#f-description")
		u.do(chromedp.KeyEvent("Arrivée à 9 h 40, mise en situation décalée."))
		k.tabUntil(`#incidents button[type="submit"]`)
		k.pressNavigates(kb.Enter)
		if got := u.text("#incidents tbody"); !strings.Contains(got, "Candidat en retard") || !strings.Contains(got, "Arrivée à 9 h 40") {
			t.Errorf("incidents: %q", got)
		}

		// The draft PV, then the signature behind its modal.
		status, typ, pv := u.download(base + "/pv-brouillon.pdf")
		if status != 200 || typ != "application/pdf" || !strings.HasPrefix(string(pv), "%PDF") {
			t.Errorf("draft PV: %d %s", status, typ)
		}
		fetched(t, "GET /jury/sessions/:id/pv-brouillon.pdf")
		u.openModal(k, "ouvrir-signature", "modale-signature")
		u.check("GET /jury/sessions/:id", "jury-modale-signature")
		k.tabUntil("#confirmer-signature")
		k.pressNavigates(kb.Enter)
		if got := u.text(".fr-alert--success"); got != "Votre signature du procès-verbal est enregistrée." {
			t.Errorf("after jury1's signature: %q", got)
		}
		u.check("POST /jury/sessions/:id/signature", "jury-signe")

		// jury2 reads the confirmation page, then signs last.
		v := s.person(t)
		v.login("jury2")
		v.open(base + "/signature")
		v.check("GET /jury/sessions/:id/signature", "jury-signature")
		v.open(base)
		k2 := &keys{tb: v}
		v.openModal(k2, "ouvrir-signature", "modale-signature")
		k2.tabUntil("#confirmer-signature")
		k2.pressNavigates(kb.Enter)
		if got := v.text("#verrou"); !strings.Contains(got, "Session délibérée : les résultats sont verrouillés") {
			t.Errorf("after the last signature: %q", got)
		}
		if got := v.text("h1 .fr-badge"); !strings.EqualFold(got, "Délibérée") {
			t.Errorf("badge %q", got)
		}
		v.check("GET /jury/sessions/:id", "jury-session-deliberee")
		if n := eval[int](v, `document.querySelectorAll("#presence form, #incidents form, #ouvrir-signature").length`); n != 0 {
			t.Errorf("a délibérée session still offers %d forms", n)
		}
		v.open(form("Petit"))
		if n := eval[int](v, `document.querySelectorAll("form[data-saisie]").length`); n != 0 || !strings.Contains(v.body(), "la saisie n’est pas ouverte") {
			t.Errorf("the entry form of a délibérée session: %s", v.body())
		}
		v.check("GET /jury/sessions/:id/candidats/:iid", "jury-saisie-verrouillee")
		status, typ, _ = v.download(form("Petit") + "/livret-apercu.pdf")
		if status != 200 || typ != "application/pdf" {
			t.Errorf("livret preview: %d %s", status, typ)
		}
		fetched(t, "GET /jury/sessions/:id/candidats/:iid/livret-apercu.pdf")

		sess, err := s.svc.Session(context.Background(), s.acteur("centre"), d.session)
		if err != nil || sess.Statut != certification.Deliberee {
			t.Fatalf("session %+v %v", sess, err)
		}
		ins, err := s.svc.Inscriptions(context.Background(), s.acteur("centre"), d.session)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"Durand": "titre", "Petit": "partiel", "Roux": "absent"}
		for _, in := range ins {
			if in.Issue == nil || *in.Issue != want[in.NomNaissance] {
				t.Errorf("%s: issue %v, want %s", in.NomNaissance, in.Issue, want[in.NomNaissance])
			}
			if in.NomNaissance == "Petit" {
				if e := in.Evaluation("CCP2"); e == nil || e.Decision != "non_acquis" || e.Motifs != motifs {
					t.Errorf("Petit's CCP2: %+v", e)
				}
			}
			if in.NomNaissance == "Durand" {
				if e := in.Evaluation("CCP3"); e == nil || !e.MSP || !e.DossierProfessionnel || !e.EcfPrisEnCompte {
					t.Errorf("Durand's CCP3 without the elements her route implies: %+v", e)
				}
			}
		}
	})
}

// submitNow submits the entry form without waiting for the answer.
func (tb *tab) submitNow() {
	tb.t.Helper()
	eval[any](tb, `document.documentElement.setAttribute("data-cc-old", "1"); setTimeout(() => document.getElementById("saisie").requestSubmit(), 0)`)
}

// newPage waits for the page that replaced the one submitNow marked.
func (tb *tab) newPage() {
	tb.t.Helper()
	// Under the race detector, with another package's tests beside it
	// on two cores, a page has been seen to take over 20 s.
	deadline := time.Now().Add(45 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		// The wait fails while the page changes: ask again on the new one.
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		err = chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("html:not([data-cc-old]) footer")))
		cancel()
		if err == nil {
			return
		}
	}
	tb.t.Fatalf("no new page after 45 s: %v", err)
}

// TestBrowserJuryConflict: two members record the same candidat's
// decisions at once. Exactly one entry is saved; the other member sees the
// decision saved meanwhile beside his own, and chooses. A member who does
// not sit on a session gets the 404 page; a member linked to a candidat
// cannot open its entry form.
func TestBrowserJuryConflict(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")}, [2]string{"Durand", "Léa"}, [2]string{"Roux", "Paul"})
		path := "/jury/sessions/" + d.session + "/candidats/" + d.ins["Durand"]
		a, b := s.person(t), s.person(t)
		a.login("jury1")
		b.login("jury2")
		choose := func(tb *tab, decision string) {
			tb.open(path)
			for _, id := range []string{"f-presence-0", "f-entretien-final-0", "f-decision-CCP2-0", "f-decision-CCP3-0"} {
				tb.do(chromedp.Click(chromedp.CSS(`label[for="` + id + `"]`)))
			}
			tb.do(chromedp.Click(chromedp.CSS(`label[for="f-decision-CCP1-` + map[string]string{"acquis": "0", "non_acquis": "1"}[decision] + `"]`)))
			if decision == "non_acquis" {
				tb.do(chromedp.SendKeys(chromedp.CSS("#f-motifs-CCP1"), "L’entretien d’accueil n’a pas été conduit."))
			}
		}
		choose(a, "acquis")
		choose(b, "non_acquis")
		a.submitNow()
		b.submitNow()
		a.newPage()
		b.newPage()

		var winner, loser *tab
		var wonWith string
		switch {
		case strings.Contains(a.path(), "saisie-enregistree") && b.status() == 409:
			winner, loser, wonWith = a, b, "acquis"
		case strings.Contains(b.path(), "saisie-enregistree") && a.status() == 409:
			winner, loser, wonWith = b, a, "non_acquis"
		default:
			t.Fatalf("two entries at once: jury1 on %s (%d), jury2 on %s (%d); want one saved, one in conflict",
				a.path(), a.status(), b.path(), b.status())
		}
		_ = winner
		stored := func() string {
			ins, err := s.svc.Inscriptions(context.Background(), s.acteur("centre"), d.session)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range ins {
				if in.ID == d.ins["Durand"] {
					if e := in.Evaluation("CCP1"); e != nil {
						return e.Decision
					}
				}
			}
			return ""
		}
		if got := stored(); got != wonWith {
			t.Fatalf("stored %q, the winner sent %q", got, wonWith)
		}
		if got := loser.text("#conflit-CCP1"); !strings.Contains(got, "enregistré entre-temps par un autre membre du jury") {
			t.Errorf("the conflict says %q", got)
		}
		if got := loser.text("#enregistrer"); got != "Remplacer par ma saisie" {
			t.Errorf("the loser's button says %q", got)
		}
		loser.check("POST /jury/sessions/:id/candidats/:iid", "jury-conflit")
		// He keeps the other's value: the form shows it, nothing changes.
		loser.click(`a.fr-btn--secondary[href="` + path + `"]`)
		if got := eval[string](loser, `document.querySelector('input[name="decision-CCP1"]:checked').value`); got != wonWith {
			t.Errorf("after keeping the saved entry the form shows %q", got)
		}
		if got := stored(); got != wonWith {
			t.Errorf("keeping the saved entry changed it to %q", got)
		}

		// A member with a declared link cannot open the candidat's form.
		if _, err := s.svc.DeclarerLien(context.Background(), s.acteur("centre"), s.membre("jury2"), d.cands["Roux"], "formateur"); err != nil {
			t.Fatal(err)
		}
		b.open("/jury/sessions/" + d.session + "/candidats/" + d.ins["Roux"])
		if b.status() == 200 || !strings.Contains(b.body(), "Un lien avec ce candidat est déclaré") {
			t.Errorf("linked member: %d %s", b.status(), b.body())
		}
		b.check("", "jury-lien-refus")

		// A member who does not sit on a session gets the 404 page.
		other := s.heldSession(t, []string{s.membre("jury1"), s.autreMembre()}, [2]string{"Blanc", "Zoé"})
		b.open("/jury/sessions/" + other.session)
		if b.status() != 404 || !strings.Contains(b.body(), "Page introuvable") {
			t.Errorf("a session jury2 does not sit on: %d %s", b.status(), b.body())
		}
		b.check("", "jury-404")
	})
}
