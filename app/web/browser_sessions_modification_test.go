package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// pdfWords is a PDF's text with its white space folded.
func pdfWords(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestBrowserSessionChanges is the centre changing a declared session on
// its record: its place and hour through the form (a bad hour refused on
// its field first), a juror replaced, its CERES number, a candidat excused
// and another withdrawn; the convocations and the feuille d'émargement
// downloaded by the centre, the jury and the candidat in its space.
func TestBrowserSessionChanges(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		centre := s.acteur("centre")
		jury := []string{s.membre("jury1"), s.membre("jury2")}
		debut := certification.DateOf(s.svc.Now().AddDate(0, 0, 14))
		sess, err := s.svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: debut, Fin: debut, Lieu: "Lyon, 12 rue de la République", Responsable: "Sophie Garnier", Jury: jury})
		if err != nil {
			t.Fatal(err)
		}
		ins := map[string]string{}
		cands := map[string]string{}
		for _, n := range [][2]string{{"Durand", "Léa"}, {"Fabre", "Noé"}} {
			id := nouveauCandidat(t, s.svc, centre, n[0], n[1], false)
			in, err := s.svc.Inscrire(ctx, centre, sess.ID, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			ins[n[0]], cands[n[0]] = in.ID, id
		}
		if _, err := s.svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		rec := "/centre/sessions/" + sess.ID

		u := s.person(t)
		u.login("centre")
		u.open(rec)
		u.click(`a[href$="/modification"]`)
		u.check("GET /centre/sessions/:id/modification", "session-modification")
		u.fill("#f-lieu", "Villeurbanne, 5 avenue Salengro")
		u.fill("#f-heure", "8 h 30")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-lieu")))
		if u.status() != 422 || !strings.Contains(u.text("#f-heure-erreur"), "HH:MM") {
			t.Fatalf("a bad hour: %d %s", u.status(), u.body())
		}
		u.check("POST /centre/sessions/:id/modification", "session-modification-erreur")
		u.fill("#f-heure", "08:30")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-lieu")))
		if got := u.text(".fr-alert--success"); got != "La session est modifiée." || !strings.Contains(u.body(), "Villeurbanne, 5 avenue Salengro") {
			t.Fatalf("after the change: %q", got)
		}

		// A juror replaced by a member habilitated over the session.
		autre := s.autreMembre()
		u.click(`a[href$="/jury"]`)
		u.check("GET /centre/sessions/:id/jury", "session-jury")
		u.do(chromedp.Click(chromedp.CSS(`label[for="` + u.inputID("ancien", jury[1]) + `"]`)))
		u.do(chromedp.SetValue(chromedp.CSS("#f-nouveau"), autre))
		u.navigates(chromedp.Submit(chromedp.CSS("#f-nouveau")))
		if got := u.text(".fr-alert--success"); got != "Le membre du jury est remplacé." || !strings.Contains(u.body(), "Claire Dubois") {
			t.Fatalf("after the replacement: %q", got)
		}
		u.check("POST /centre/sessions/:id/jury", "session-jury-remplace")

		// CERES: a typing error first.
		u.click(`a[href$="/ceres"]`)
		u.check("GET /centre/sessions/:id/ceres", "session-ceres")
		u.fill("#f-numero-ceres", "x")
		u.fill("#f-declaree-le", certification.DateOf(s.svc.Now()).Francais())
		u.navigates(chromedp.Submit(chromedp.CSS("#f-numero-ceres")))
		if u.status() != 422 || !strings.Contains(u.text("#f-numero-ceres-erreur"), "Numéro CERES invalide") {
			t.Fatalf("a bad CERES number: %d", u.status())
		}
		u.check("POST /centre/sessions/:id/ceres", "session-ceres-erreur")
		u.fill("#f-numero-ceres", "CERES-2026-0042")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-numero-ceres")))
		if !strings.Contains(u.body(), "n° CERES-2026-0042") {
			t.Fatalf("CERES not shown on the record: %s", u.body())
		}

		// Excused, then withdrawn: both confirmed with a motif.
		u.click(`a[aria-label="Noter l’excuse de Léa Durand"]`)
		u.check("GET /centre/sessions/:id/inscriptions/:iid/excuse", "session-excuse")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		u.check("POST /centre/sessions/:id/inscriptions/:iid/excuse", "session-excuse-erreur")
		u.fill("#f-motif", "Hospitalisation prévue")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if !strings.Contains(strings.ToLower(u.body()), "excusé (noté par le centre)") {
			t.Errorf("the excuse is not shown: %s", u.body())
		}
		u.click(`a[aria-label="Retirer Noé Fabre de la session"]`)
		u.check("GET /centre/sessions/:id/inscriptions/:iid/retrait", "session-retrait")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		u.check("POST /centre/sessions/:id/inscriptions/:iid/retrait", "session-retrait-erreur")
		u.fill("#f-motif", "Report demandé par le candidat")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motif")))
		if got := u.text(".fr-alert--success"); !strings.Contains(got, "retiré") || strings.Contains(u.text("table"), "Fabre") {
			t.Errorf("after the withdrawal: %q", got)
		}

		// The centre's documents.
		for route, path := range map[string]string{"GET /centre/sessions/:id/convocations.pdf": rec + "/convocations.pdf",
			"GET /centre/sessions/:id/inscriptions/:iid/convocation.pdf": rec + "/inscriptions/" + ins["Durand"] + "/convocation.pdf",
			"GET /centre/sessions/:id/emargement.pdf":                    rec + "/emargement.pdf"} {
			status, typ, data := u.download(path)
			if status != 200 || typ != "application/pdf" {
				t.Fatalf("%s: %d %s", path, status, typ)
			}
			txt := pdfWords(t, data)
			for _, want := range []string{"Durand", debut.Francais(), "Villeurbanne, 5 avenue Salengro", "Mise en situation professionnelle"} {
				if !strings.Contains(txt, want) {
					t.Errorf("%s lacks %q", path, want)
				}
			}
			if strings.Contains(txt, "Fabre") {
				t.Errorf("%s names the withdrawn candidat", path)
			}
			fetched(t, route)
		}
		if status, _, _ := u.download(rec + "/inscriptions/" + ins["Fabre"] + "/convocation.pdf"); status != 404 {
			t.Errorf("the withdrawn candidat's convocation: %d, want 404", status)
		}

		j := s.person(t)
		j.login("jury1")
		if status, typ, _ := j.download("/jury/sessions/" + sess.ID + "/emargement.pdf"); status != 200 || typ != "application/pdf" {
			t.Errorf("the jury's feuille d'émargement: %d %s", status, typ)
		}
		fetched(t, "GET /jury/sessions/:id/emargement.pdf")

		lien, err := s.svc.OuvrirCompteCandidat(ctx, centre, cands["Durand"])
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.svc.ActiverCompte(ctx, lien.Jeton, "ma phrase de passe à moi"); err != nil {
			t.Fatal(err)
		}
		c := s.person(t)
		c.open("/connexion")
		c.submit("#f-identifiant", lien.Identifiant, "#f-mot-de-passe", "ma phrase de passe à moi")
		href := eval[string](c, `document.querySelector('a[href^="/mon-espace/convocations/"]').getAttribute("href")`)
		status, typ, data := c.download(href)
		if status != 200 || typ != "application/pdf" || !strings.Contains(pdfWords(t, data), "Léa Durand") {
			t.Errorf("the candidat's convocation: %d %s", status, typ)
		}
		fetched(t, "GET /mon-espace/convocations/:id/:iid")
		c.check("GET /mon-espace", "mon-espace-convocation")
	})
}
