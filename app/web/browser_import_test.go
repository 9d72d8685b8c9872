package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserImport imports a file of candidats as a centre: the template,
// a refused file, then upload → report → confirm → result.
func TestBrowserImport(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		u := s.person(t)
		u.login("centre")
		u.open("/centre/candidats")
		u.tabTo("importer-candidats")
		u.navigates(chromedp.KeyEvent(kb.Enter))
		if u.path() != "/centre/candidats/import" {
			t.Fatalf("import link: %s", u.path())
		}
		u.check("GET /centre/candidats/import", "import")
		for _, f := range []struct{ path, typ, start string }{
			{"/centre/candidats/import/modele.csv", "text/csv; charset=utf-8", "\ufeffnom_naissance;nom_usage;prenoms;date_naissance"},
			{"/centre/candidats/import/modele.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		} {
			status, typ, data := u.download(f.path)
			if status != 200 || typ != f.typ || !strings.HasPrefix(string(data), f.start) {
				t.Errorf("%s: %d %s %.40q", f.path, status, typ, data)
			}
			fetched(t, "GET "+f.path)
		}

		dir := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		// A file with other columns is refused on the field.
		u.do(chromedp.SetUploadFiles(chromedp.CSS("#f-fichier"), []string{write("autre.csv", "nom;prénom\nDurand;Léa\n")}))
		u.navigates(chromedp.Click(chromedp.CSS("#verifier-fichier")))
		if got := u.text("#f-fichier-erreur"); !strings.Contains(got, "colonnes du fichier ne sont pas celles du modèle") {
			t.Fatalf("wrong columns: %q", got)
		}
		if u.status() != 422 {
			t.Errorf("wrong columns: status %d", u.status())
		}

		const entete = "nom_naissance;prenoms;date_naissance;lieu_naissance;email;titre_code;parcours;formation_debut;formation_fin\n"
		fichier := entete +
			"Roussel;Anaïs;12/04/1994;Brest;a.roussel@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n" +
			"Ferreira;João Pedro;03/09/1989;Porto;j.ferreira@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n" +
			"Sansprenom;;01/02/1990;Lyon;s@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n" +
			"Keller;Lise;30/11/2001;Colmar;l.keller@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n"
		u.do(chromedp.SetUploadFiles(chromedp.CSS("#f-fichier"), []string{write("candidats.csv", fichier)}))
		u.navigates(chromedp.Click(chromedp.CSS("#verifier-fichier")))
		if got := u.text("#resume-import"); !strings.Contains(got, "3 candidat(s) à créer") || !strings.Contains(got, "1 ligne(s) en erreur") {
			t.Fatalf("report summary: %q", got)
		}
		if got := u.text("#ligne-4"); !strings.Contains(strings.ToLower(got), "en erreur") || !strings.Contains(got, "Colonne prenoms") {
			t.Errorf("line 4: %q", got)
		}
		if got := u.text("#ligne-3"); !strings.Contains(got, "João Pedro") || !strings.Contains(strings.ToLower(got), "à créer") {
			t.Errorf("line 3: %q", got)
		}
		avant := s.countCandidats(t)
		if avant == 0 {
			t.Fatal("no candidat seeded")
		}
		u.check("POST /centre/candidats/import", "import-rapport")

		u.navigates(chromedp.Click(chromedp.CSS("#confirmer-import")))
		if got := u.text("#resultat-import"); !strings.Contains(got, "3 candidat(s) créé(s)") || !strings.Contains(got, "1 ligne(s) en erreur") {
			t.Fatalf("result: %q", got)
		}
		if n := s.countCandidats(t); n != avant+3 {
			t.Errorf("%d candidats created, want 3", n-avant)
		}
		u.check("POST /centre/candidats/import/confirmation", "import-resultat")
	})
}

// countCandidats counts the centre's candidats through the service.
func (s *site) countCandidats(t *testing.T) int {
	t.Helper()
	n, apres := 0, ""
	for {
		p, err := s.svc.Candidats(context.Background(), s.acteur("centre"), certification.FiltreCandidats{Limite: 200, Apres: apres})
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Candidats)
		if p.Suivant == "" {
			return n
		}
		apres = p.Suivant
	}
}
