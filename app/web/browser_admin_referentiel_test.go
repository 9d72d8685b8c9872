package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserAdminReferentiel: the administrator creates a titre through
// the form, correcting a refused level; gives it a first version, whose
// refused correspondence is shown on its field; edits that version after
// another administrator changed the titre, sees the conflict, and saves
// knowingly; exports the titre and imports the file under other codes;
// revises the version and closes the revision.
func TestBrowserAdminReferentiel(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		a := s.person(t)
		a.login("admin")
		a.click(`nav a[href="/admin/referentiel"]`)
		a.check("GET /admin/referentiel", "admin-referentiel")
		a.click(`a[href="/admin/referentiel/TP-00403"]`)
		if body := a.body(); !strings.Contains(body, "RNCP37274BC01") {
			t.Errorf("the titre page: %s", body)
		}
		a.check("GET /admin/referentiel/:code", "admin-titre")
		status, typ, data := a.download("/admin/referentiel/TP-00403/export")
		if status != 200 || typ != "application/json" || !strings.Contains(string(data), `"code": "TP-00403"`) {
			t.Errorf("export: %d %s %s", status, typ, data)
		}
		fetched(t, "GET /admin/referentiel/:code/export")

		a.open("/admin/referentiel")
		a.click(`a[href="/admin/referentiel/nouveau"]`)
		a.check("GET /admin/referentiel/nouveau", "admin-titre-nouveau")
		a.submit("#f-code", "TP-99001", "#f-intitule", "Agent d’accueil", "#f-niveau", "12", "#f-rncp", "RNCP99001", "#f-nsf", "330t", "#f-rome", "M1601")
		if got := a.text("#f-niveau-erreur"); !strings.Contains(got, "de 1 à 8") {
			t.Errorf("a level of 12 says %q", got)
		}
		a.check("POST /admin/referentiel/nouveau", "admin-titre-nouveau-erreur")
		a.fill("#f-niveau", "3")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-niveau")))
		if !strings.Contains(a.body(), "Le titre est créé") {
			t.Fatalf("after the creation: %s", a.body())
		}

		a.click(`a[href="/admin/referentiel/TP-99001/versions/nouvelle"]`)
		a.check("GET /admin/referentiel/:code/versions/nouvelle", "admin-version-nouvelle")
		a.submit("#f-code", "TP-99001-2026", "#f-texte", "Arrêté du 3 mars 2026", "#f-debut", "01/04/2026", "#f-fin", "31/03/2031",
			"#f-blocs-0-code", "CCP1", "#f-blocs-0-intitule", "Accueillir le public", "#f-blocs-0-rncp-bloc", "RNCP99001BC01",
			"#f-blocs-0-competences", "Accueillir", "#f-blocs-0-correspond", "TP-00403-2023/CCP1")
		if got := a.text("#f-blocs-0-correspond-erreur"); !strings.Contains(got, "ne désigne aucun CCP") {
			t.Errorf("a correspondence to another titre says %q", got)
		}
		a.check("POST /admin/referentiel/:code/versions/nouvelle", "admin-version-erreur")
		a.fill("#f-blocs-0-correspond", "")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-code")))
		if !strings.Contains(a.body(), "La version est enregistrée") || !strings.Contains(a.body(), "RNCP99001BC01") {
			t.Fatalf("after the first version: %s", a.body())
		}

		// Another administrator changes the titre while the form is open.
		a.click(`a[aria-label="Modifier la version TP-99001-2026"]`)
		a.check("GET /admin/referentiel/:code/versions/:version", "admin-version-modifier")
		tv, err := s.svc.Titre(context.Background(), "TP-99001")
		if err != nil {
			t.Fatal(err)
		}
		vd := certification.DefOf(*tv).Versions[0]
		vd.Texte = "Arrêté du 4 mars 2026"
		if _, err := s.svc.RemplacerVersion(context.Background(), s.acteur("admin"), "TP-99001", "TP-99001-2026", tv.Version, vd); err != nil {
			t.Fatal(err)
		}
		a.fill("#f-texte", "Arrêté du 5 mars 2026")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-texte")))
		if got := a.text("#conflit"); !strings.Contains(got, "Arrêté du 4 mars 2026") {
			t.Errorf("the conflict shows %q", got)
		}
		a.check("POST /admin/referentiel/:code/versions/:version", "admin-version-conflit")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-texte")))
		if !strings.Contains(a.body(), "Arrêté du 5 mars 2026") {
			t.Fatalf("the save made knowingly: %s", a.body())
		}

		// Export, then import under other codes.
		_, _, data = a.download("/admin/referentiel/TP-99001/export")
		file := filepath.Join(t.TempDir(), "referentiel.json")
		if err := os.WriteFile(file, []byte(strings.ReplaceAll(string(data), "TP-99001", "TP-99002")), 0o644); err != nil {
			t.Fatal(err)
		}
		a.open("/admin/referentiel")
		a.click(`a[href="/admin/referentiel/import"]`)
		a.check("GET /admin/referentiel/import", "admin-import")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-fichier")))
		if got := a.text("#f-fichier-erreur"); !strings.Contains(got, "Choisissez le fichier") {
			t.Errorf("an import without a file says %q", got)
		}
		a.check("POST /admin/referentiel/import", "admin-import-erreur")
		a.do(chromedp.SetUploadFiles(chromedp.CSS("#f-fichier"), []string{file}))
		a.navigates(chromedp.Submit(chromedp.CSS("#f-fichier")))
		if !strings.Contains(a.body(), "Le titre est importé") || !strings.Contains(a.body(), "TP-99002-2026") {
			t.Fatalf("after the import: %s", a.body())
		}

		// The révision, then its clôture.
		a.open("/admin/referentiel/TP-99001/versions/nouvelle")
		if got := eval[string](a, `document.querySelector("#f-blocs-0-correspond").value`); got != "TP-99001-2026/CCP1" {
			t.Errorf("the révision's CCP1 takes over %q", got)
		}
		a.submit("#f-code", "TP-99001-2028", "#f-texte", "Arrêté du 2 octobre 2027", "#f-debut", "01/01/2028", "#f-fin", "31/12/2032")
		if body := strings.ToLower(a.body()); !strings.Contains(body, "révisée") || !strings.Contains(body, "tp-99001-2026/ccp1") {
			t.Fatalf("after the révision: %s", a.body())
		}
		a.click(`a[aria-label="Clôturer la version TP-99001-2028"]`)
		a.check("GET /admin/referentiel/:code/versions/:version/cloture", "admin-cloture")
		a.submit("#f-date", "01/01/2040")
		if got := a.text("#f-date-erreur"); !strings.Contains(got, "pendant la validité") {
			t.Errorf("a clôture after the validity says %q", got)
		}
		a.check("POST /admin/referentiel/:code/versions/:version/cloture", "admin-cloture-erreur")
		a.fill("#f-date", "30/06/2030")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-date")))
		// The badges are in capitals.
		if !strings.Contains(strings.ToLower(a.body()), "clôturée") {
			t.Errorf("after the clôture: %s", a.body())
		}
	})
}

// TestBrowserAdminCentre: the administrator records a centre through the
// form, correcting a SIRET whose key is wrong, then edits it.
func TestBrowserAdminCentre(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		a := s.person(t)
		a.login("admin")
		a.open("/admin/centres")
		a.click(`a[href="/admin/centres/nouveau"]`)
		a.check("GET /admin/centres/nouveau", "admin-centre-nouveau")
		eval[any](a, `document.querySelector("#f-agrements-0-titre-code").value = "TP-00403"`)
		a.submit("#f-nom", "Cap Métiers Savoie", "#f-siret", "732 829 320 00075", "#f-adresse", "5 avenue de Genève",
			"#f-code-postal", "73000", "#f-ville", "Chambéry", "#f-region", "Auvergne-Rhône-Alpes",
			"#f-agrements-0-debut", "01/01/2026", "#f-agrements-0-fin", "31/12/2028")
		if got := a.text("#f-siret-erreur"); !strings.Contains(got, "clé de contrôle") {
			t.Errorf("a wrong SIRET key says %q", got)
		}
		a.check("POST /admin/centres/nouveau", "admin-centre-nouveau-erreur")
		a.fill("#f-siret", "732 829 320 00074")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-siret")))
		if body := a.body(); !strings.Contains(body, "Le centre est enregistré") || !strings.Contains(body, "Cap Métiers Savoie") {
			t.Fatalf("after the creation: %s", body)
		}
		a.click(`a[aria-label="Modifier le centre Cap Métiers Savoie"]`)
		a.check("GET /admin/centres/:id", "admin-centre-modifier")
		a.fill("#f-siret", "12")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-siret")))
		a.check("POST /admin/centres/:id", "admin-centre-modifier-erreur")
		a.fill("#f-siret", "73282932000074")
		a.fill("#f-ville", "Aix-les-Bains")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-ville")))
		if body := a.body(); !strings.Contains(body, "Les modifications du centre sont enregistrées") || !strings.Contains(body, "Aix-les-Bains") {
			t.Errorf("after the edit: %s", body)
		}
	})
}

// TestBrowserJuryRetraitEtCompte: a member withdraws an incident recorded
// by mistake; once the whole jury has signed, the withdrawal is refused
// with the reason. The autorité links a member's record to its account.
func TestBrowserJuryRetraitEtCompte(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")}, [2]string{"Durand", "Léa"})
		j := s.person(t)
		j.login("jury1")
		j.open("/jury/sessions/" + d.session)
		for range 2 {
			eval[any](j, `document.querySelector("#f-inscription-id").value = `+fmt.Sprintf("%q", d.ins["Durand"])+`; document.querySelector("#f-categorie").value = "retard"`)
			j.navigates(chromedp.Submit(chromedp.CSS("#f-description")))
		}
		j.click(`button[aria-label="Retirer l’incident « Candidat en retard » de Léa Durand"]`)
		if !strings.Contains(j.body(), "L’incident est retiré") {
			t.Fatalf("after the withdrawal: %s", j.body())
		}
		if _, err := s.svc.SaisirPresence(ctx, s.acteur("jury1"), d.session, d.ins["Durand"], 1, certification.PresenceSaisie{Presence: "absent"}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"jury1", "jury2"} {
			if _, err := s.svc.SignerPV(ctx, s.acteur(m), d.session); err != nil {
				t.Fatal(err)
			}
		}
		// The page was read before the signatures.
		j.click(`button[aria-label="Retirer l’incident « Candidat en retard » de Léa Durand"]`)
		if got := j.text("#erreurs"); !strings.Contains(got, "verrouillés") {
			t.Errorf("a withdrawal after the signatures says %q", got)
		}
		j.check("POST /jury/sessions/:id/incidents/:nid/retrait", "jury-incident-retrait-refuse")

		if _, err := s.svc.CreateUtilisateur(ctx, s.acteur("admin"), certification.NouvelUtilisateur{Identifiant: "jury9", Nom: "Claire Dubois",
			MotDePasse: "un-mot-de-passe-long", Role: certification.RoleJury}); err != nil {
			t.Fatal(err)
		}
		m := s.autreMembre()
		a := s.person(t)
		a.login("dreets")
		a.open("/autorite/jury/" + m)
		a.navigates(chromedp.Submit(chromedp.CSS("#f-utilisateur-id-compte")))
		if got := a.text("#erreurs"); !strings.Contains(got, "choisissez un compte") {
			t.Errorf("a link without an account says %q", got)
		}
		a.check("POST /autorite/jury/:id/compte", "autorite-membre-compte-erreur")
		eval[any](a, `document.querySelector("#f-utilisateur-id").selectedIndex = 1`)
		a.navigates(chromedp.Submit(chromedp.CSS("#f-utilisateur-id")))
		if body := a.body(); !strings.Contains(body, "La fiche est reliée au compte") || strings.Contains(body, "Relier la fiche") {
			t.Errorf("after the link: %s", body)
		}
	})
}
