package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// deliberatedSession builds through the service a session titre held today
// by the demo centre, n candidats in formation continue who all obtained
// every CCP, signed by both demo jury members: it waits for the autorité's
// validation. It returns the session's id and the candidats' ids.
func (s *site) deliberatedSession(n int) (string, []string) {
	s.t.Helper()
	ctx := context.Background()
	d := certification.NewDate
	centre, jury1, jury2 := s.acteur("centre"), s.acteur("jury1"), s.acteur("jury2")
	today := certification.DateOf(s.svc.Now())
	sess, err := s.svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: today, Fin: today, Lieu: "Lyon, 12 rue de la République", Responsable: "Sophie Garnier", Jury: s.habilitatedJury()[:2]})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
		s.t.Fatal(err)
	}
	var cands, ins []string
	for i := range n {
		c, err := s.svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
			NomNaissance: fmt.Sprintf("Ștefan-%03d", i), Prenoms: "Ana Łucja", DateNaissance: d(1994, 5, 17),
			LieuNaissance: "Saint-Étienne (42)", Email: fmt.Sprintf("ana.%03d@example.fr", i),
			Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)},
			ECF: []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)},
				{CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}})
		if err != nil {
			s.t.Fatal(err)
		}
		in, err := s.svc.Inscrire(ctx, centre, sess.ID, c.ID, nil)
		if err != nil {
			s.t.Fatal(err)
		}
		cands, ins = append(cands, c.ID), append(ins, in.ID)
	}
	if _, err := s.svc.TenirSession(ctx, centre, sess.ID); err != nil {
		s.t.Fatal(err)
	}
	for _, id := range ins {
		if _, err := s.svc.SaisirPresence(ctx, jury1, sess.ID, id, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			s.t.Fatal(err)
		}
		for _, ccp := range []string{"CCP1", "CCP2", "CCP3"} {
			if _, err := s.svc.SaisirEvaluation(ctx, jury1, sess.ID, id, ccp, 0, certification.EvaluationSaisie{Decision: "acquis",
				MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	for _, j := range []certification.Acteur{jury1, jury2} {
		if _, err := s.svc.SignerPV(ctx, j, sess.ID); err != nil {
			s.t.Fatal(err)
		}
	}
	return sess.ID, cands
}

// holdSecondStep holds the second step of an issuance until release is
// closed; second is closed when that step has arrived, so that the page
// then shows the first step's progress and nothing moves.
type holdSecondStep struct {
	mu              sync.Mutex
	n               int
	second, release chan struct{}
}

func (h *holdSecondStep) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/emission") {
			h.mu.Lock()
			h.n++
			n := h.n
			h.mu.Unlock()
			if n == 2 {
				close(h.second)
				select {
				case <-h.release:
				case <-r.Context().Done():
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// waitFor waits for a channel, failing after a minute rather than hanging.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("%s: nothing after a minute", what)
	}
}

// TestBrowserAutoriteIssuance: a session of 100 candidats waits « à
// valider » on the autorité's home; the autorité validates it and issues
// its documents in steps, the test seeing the progress after the first
// step while the second is held; a candidat of the session then reads its
// result and downloads its parchemin.
func TestBrowserAutoriteIssuance(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		hold := &holdSecondStep{second: make(chan struct{}), release: make(chan struct{})}
		s := newSiteWrapped(t, db, app.Options{}, hold.wrap)
		const n = 100
		id, cands := s.deliberatedSession(n)
		rec := "/autorite/sessions/" + id

		u := s.person(t)
		u.login("dreets")
		if u.path() != "/autorite" {
			t.Fatalf("the autorité lands on %s", u.path())
		}
		u.check("GET /autorite", "autorite-accueil")
		u.click(`a[href="/autorite/sessions?statut=a-valider"]`)
		if got := u.text(`.fr-sidemenu__item--active`); !strings.Contains(got, "Délibérées, à valider") || !strings.Contains(got, "1") {
			t.Errorf("current worklist %q", got)
		}
		u.check("GET /autorite/sessions", "autorite-a-valider")
		u.click(`a[href="` + rec + `"]`)
		if got := u.text("#raison-emettre"); !strings.Contains(got, "qu'après validation du PV") {
			t.Errorf("issuance before validation: %q", got)
		}
		if got := eval[int](u, `document.querySelectorAll("tbody tr[id^=candidat-]").length`); got != n {
			t.Errorf("%d candidats on the review, want %d", got, n)
		}
		u.check("GET /autorite/sessions/:id", "autorite-session-deliberee")

		u.click(`form[action="` + rec + `/validation"] button`)
		if got := u.text(".fr-alert--success"); got != "Le PV est validé : les résultats sont publiés aux candidats." {
			t.Errorf("notice %q", got)
		}
		if got := u.text("#emission-etat"); !strings.HasPrefix(got, fmt.Sprintf("0 document délivré sur %d", n+1)) {
			t.Errorf("before issuance: %q", got)
		}
		u.check("POST /autorite/sessions/:id/validation", "autorite-session-validee")

		// The first step runs; the page asks for the second at once, which
		// the server holds: the progress shown is the first step's.
		u.do(chromedp.Click(chromedp.CSS(`#emission button[type=submit]`)))
		waitFor(t, hold.second, "the second step of the issuance")
		step := fmt.Sprintf("25 documents délivrés sur %d", n+1)
		u.do(chromedp.WaitReady(chromedp.CSS(`#emission progress[value="25"]`)))
		if got := u.text("#emission-etat"); !strings.HasPrefix(got, step) {
			t.Errorf("progress after the first step: %q", got)
		}
		if got := u.text("#emission button"); got != "Poursuivre la délivrance" {
			t.Errorf("button while issuing: %q", got)
		}
		u.check("POST /autorite/sessions/:id/emission", "autorite-emission-en-cours")
		close(hold.release)
		u.do(chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#emission progress[value="%d"]`, n+1))))
		if got := u.text("#raison-emettre"); got != "Tous les documents dus sont délivrés." {
			t.Errorf("after issuance: %q", got)
		}
		if got := s.countDocuments(id); got != n+1 {
			t.Errorf("%d documents, want %d: none twice", got, n+1)
		}
		status, typ, data := u.download(rec + "/documents.zip")
		if status != 200 || typ != "application/zip" || strings.Count(string(data), "parchemin-") < n {
			t.Errorf("zip: %d %s", status, typ)
		}
		fetched(t, "GET /autorite/sessions/:id/documents.zip")
		status, typ, _ = u.download(rec + "/pv-brouillon.pdf")
		if status != 200 || typ != "application/pdf" {
			t.Errorf("draft PV: %d %s", status, typ)
		}
		fetched(t, "GET /autorite/sessions/:id/pv-brouillon.pdf")

		// A candidat of the session: its result, then its parchemin.
		ctx := context.Background()
		lien, err := s.svc.OuvrirCompteCandidat(ctx, s.acteur("centre"), cands[42])
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.svc.ActiverCompte(ctx, lien.Jeton, "ma phrase de passe à moi"); err != nil {
			t.Fatal(err)
		}
		c := s.person(t)
		c.open("/connexion")
		c.submit("#f-identifiant", lien.Identifiant, "#f-mot-de-passe", "ma phrase de passe à moi")
		if c.path() != "/mon-espace" || !strings.Contains(c.body(), "Titre obtenu") {
			t.Fatalf("the candidat's space: %s %s", c.path(), c.body())
		}
		href := eval[string](c, `document.querySelector('a[href^="/mon-espace/documents/"]').getAttribute("href")`)
		status, typ, data = c.download(href)
		if status != 200 || typ != "application/pdf" || !strings.HasPrefix(string(data), "%PDF") {
			t.Errorf("the candidat's parchemin: %d %s", status, typ)
		}
	})
}
