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
		if got := u.text("#emission-etat"); !strings.HasPrefix(got, fmt.Sprintf("0 document délivré sur %d", 2*n+1)) {
			t.Errorf("before issuance: %q", got)
		}
		u.check("POST /autorite/sessions/:id/validation", "autorite-session-validee")

		// The first step runs; the page asks for the second at once, which
		// the server holds: the progress shown is the first step's.
		u.do(chromedp.Click(chromedp.CSS(`#emission button[type=submit]`)))
		waitFor(t, hold.second, "the second step of the issuance")
		step := fmt.Sprintf("25 documents délivrés sur %d", 2*n+1)
		u.do(chromedp.WaitReady(chromedp.CSS(`#emission progress[value="25"]`)))
		if got := u.text("#emission-etat"); !strings.HasPrefix(got, step) {
			t.Errorf("progress after the first step: %q", got)
		}
		if got := u.text("#emission button"); got != "Poursuivre la délivrance" {
			t.Errorf("button while issuing: %q", got)
		}
		u.check("POST /autorite/sessions/:id/emission", "autorite-emission-en-cours")
		close(hold.release)
		// The page then asks for each of the remaining steps in turn: under
		// the race detector beside another package's tests, the eight of
		// them have taken more than the 30 s a single page is given.
		u.doWithin(3*time.Minute, chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#emission progress[value="%d"]`, 2*n+1))))
		if got := u.text("#raison-emettre"); got != "Tous les documents dus sont délivrés." {
			t.Errorf("after issuance: %q", got)
		}
		if got := s.countDocuments(id); got != 2*n+1 {
			t.Errorf("%d documents, want %d: none twice", got, 2*n+1)
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

// TestBrowserAutoriteCorrection: after validation and issuance, the
// autorité corrects a decision transcribed wrongly, with its reason, and
// reads the correction in French in the trail; it rectifies an identity,
// regularises a late declaration and manages the jury's habilitations. An
// autorité of another region gets the 404 page for the session.
func TestBrowserAutoriteCorrection(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		rec := "/autorite/sessions/" + id
		s.issueDemoDocuments()

		u := s.person(t)
		u.login("dreets")
		u.open(rec)
		u.click(`a[aria-label="Corriger la décision CCP2 de Thị Hoa Nguyễn"]`)
		if got := u.text("#decision-avant"); !strings.EqualFold(got, "Non acquis") {
			t.Errorf("decision shown beside the form: %q", got)
		}
		u.check("GET /autorite/sessions/:id/inscriptions/:iid/corrections/:ccp", "autorite-correction")
		u.do(chromedp.Click(chromedp.CSS(`label[for="` + u.inputID("decision", "acquis") + `"]`)))
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text("#f-motif-erreur"); !strings.Contains(got, "motif de la correction") {
			t.Errorf("correction without a reason: %q", got)
		}
		u.check("POST /autorite/sessions/:id/inscriptions/:iid/corrections/:ccp", "autorite-correction-erreur")
		u.fill("#f-motif", "Grille d’évaluation signée : CCP2 acquis, transcrit « non acquis » par erreur.")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text(".fr-alert--success"); !strings.HasPrefix(got, "La décision est corrigée") {
			t.Fatalf("after the correction: %s", u.body())
		}

		u.click(`a[href="` + rec + `/journal"]`)
		journal := u.body()
		for _, want := range []string{"Décision corrigée par l’autorité — erreur matérielle : CCP2 — Thị Hoa Nguyễn",
			"Motif : « Grille d’évaluation signée", "Document remplacé", "par Hélène Girard, DREETS Auvergne-Rhône-Alpes (l’autorité)"} {
			if !strings.Contains(journal, want) {
				t.Errorf("the session's trail lacks %q", want)
			}
		}
		row := eval[[]string](u, `[...document.querySelectorAll("tr")].filter(r => r.cells[0] && r.cells[0].textContent === "Décision").map(r => r.cells[1].textContent + " → " + r.cells[2].textContent)`)
		if len(row) == 0 || row[0] != "non acquis → acquis" {
			t.Errorf("the decision before and after: %v", row)
		}
		u.check("GET /autorite/sessions/:id/journal", "autorite-journal-session")

		nguyen := s.candidatID("Nguyễn")
		u.open("/autorite/candidats/" + nguyen + "/journal")
		if !strings.Contains(u.body(), "Issue établie par les règles") || !strings.Contains(u.body(), "réussite partielle") {
			t.Errorf("the candidat's trail: %s", u.body())
		}
		u.check("GET /autorite/candidats/:id/journal", "autorite-journal-candidat")

		// Identity rectification: a reason and a supporting document.
		u.click(`a[href="/autorite/candidats/` + nguyen + `/rectification"]`)
		u.check("GET /autorite/candidats/:id/rectification", "autorite-rectification")
		u.fill("#f-prenoms", "Thị Hoà")
		u.fill("#f-motif", "Erreur d’accent sur le prénom.")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text("#f-piece-justificative-erreur"); got == "" {
			t.Error("no message without a supporting document")
		}
		u.check("POST /autorite/candidats/:id/rectification", "autorite-rectification-erreur")
		u.fill("#f-piece-justificative", "Extrait d’acte de naissance n° 1983-1102")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-piece-justificative")))
		if !strings.Contains(u.body(), "Identité rectifiée par l’autorité") || !strings.Contains(u.body(), "Thị Hoà") {
			t.Errorf("after the rectification: %s", u.body())
		}

		// A session begun without a declaration: regularised with a reason.
		ctx := context.Background()
		hier := certification.DateOf(s.svc.Now().AddDate(0, 0, -1))
		late, err := s.svc.CreateSession(ctx, s.acteur("centre"), certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: hier, Fin: hier, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: s.habilitatedJury()[:2]})
		if err != nil {
			t.Fatal(err)
		}
		u.open("/autorite/sessions/" + late.ID)
		u.click(`a[href="/autorite/sessions/` + late.ID + `/regularisation"]`)
		u.check("GET /autorite/sessions/:id/regularisation", "autorite-regularisation")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text("#f-motif-erreur"); got == "" {
			t.Error("no message without a reason")
		}
		u.check("POST /autorite/sessions/:id/regularisation", "autorite-regularisation-erreur")
		u.fill("#f-motif", "Déclaration envoyée par courrier le 20/11, reçue après le début.")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text("h1 .fr-badge"); !strings.EqualFold(got, "Déclarée") || !strings.Contains(u.body(), "Déclaration régularisée par l’autorité") {
			t.Errorf("after the regularisation: %q %s", got, u.body())
		}

		// The jury: a member, an habilitation, prolonged, then an end refused.
		u.open("/autorite/jury")
		u.check("GET /autorite/jury", "autorite-jury")
		u.click(`a[href="/autorite/jury/nouveau"]`)
		u.check("GET /autorite/jury/nouveau", "autorite-membre-nouveau")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-nom")))
		if got := u.text("#f-nom-erreur"); got != "Indiquez le nom du membre." {
			t.Errorf("member without a name: %q", got)
		}
		u.check("POST /autorite/jury/nouveau", "autorite-membre-nouveau-erreur")
		u.submit("#f-nom", "Dubois", "#f-prenoms", "Claire", "#f-email", "claire.dubois@example.fr")
		if got := u.text(".fr-alert--success"); !strings.HasPrefix(got, "Le membre de jury est enregistré") {
			t.Fatalf("after creating the member: %s", u.body())
		}
		u.check("GET /autorite/jury/:id", "autorite-membre")
		u.submit("#f-reference-nouvelle", "DREETS-ARA-HAB-2026-102", "#f-debut-nouvelle", "01/12/2026", "#f-fin-nouvelle", "31/02/2029")
		if got := u.text("#f-fin-erreur"); !strings.HasPrefix(got, "Date invalide") {
			t.Errorf("habilitation with an impossible end: %q", got)
		}
		u.check("POST /autorite/jury/:id/habilitations", "autorite-habilitation-erreur")
		u.fill("#f-fin", "30/11/2029")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-fin")))
		if got := u.text(".fr-card__title"); got != "TP-00403 du 01/12/2026 au 30/11/2029" {
			t.Fatalf("habilitation: %q", got)
		}
		u.submit(`form[action$="/prolongation"] input[name=fin]`, "30/11/2030", `form[action$="/prolongation"] input[name=motif]`, "DREETS-ARA-HAB-2029-007")
		if got := u.text(".fr-card__title"); got != "TP-00403 du 01/12/2026 au 30/11/2030" {
			t.Errorf("prolonged habilitation: %q", got)
		}
		u.check("POST /autorite/jury/:id/habilitations/:hid/prolongation", "autorite-habilitation-prolongee")
		u.submit(`form[action$="/fin"] input[name=fin]`, "31/12/2031", `form[action$="/fin"] input[name=motif]`, "Départ à la retraite")
		if got := u.text("#f-fin-erreur"); !strings.Contains(got, "Choisissez une date du 01/12/2026 à la veille du 30/11/2030") {
			t.Errorf("an end after the habilitation: %q", got)
		}
		u.check("POST /autorite/jury/:id/habilitations/:hid/fin", "autorite-habilitation-fin-erreur")

		// Another region's autorité: the 404 page.
		o := s.person(t)
		o.login("dreets-pdl")
		o.open(rec)
		if o.status() != http.StatusNotFound || !strings.Contains(o.body(), "Page introuvable") {
			t.Errorf("another region on the session: %d %s", o.status(), o.body())
		}
		o.check("", "autorite-autre-territoire-404")
	})
}
