package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// recoursRenvoye files, as the centre, a recours on the result of the
// candidat of the demo's validated session named nom, and has the autorité
// send it back to the jury; it returns the session and the recours.
func (s *site) recoursRenvoye(nom string) (sid string, r *certification.RecoursAdministratif) {
	s.t.Helper()
	ctx := context.Background()
	sid = s.validatedDemoSession()
	ins, err := s.svc.Inscriptions(ctx, s.acteur("centre"), sid)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, in := range ins {
		if in.NomNaissance != nom {
			continue
		}
		r, err = s.svc.DeposerRecours(ctx, s.acteur("centre"), certification.NouveauRecours{InscriptionID: in.ID, Type: certification.RecoursGracieux,
			Motifs: "Le jury n’a pas examiné le dossier professionnel."})
		if err != nil {
			s.t.Fatal(err)
		}
		r, err = s.svc.DeciderRecours(ctx, s.acteur("dreets"), r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation,
			Reponse: "Le dossier professionnel n’apparaît pas au PV."})
		if err != nil {
			s.t.Fatal(err)
		}
		return sid, r
	}
	s.t.Fatalf("no candidat %s in the validated demo session", nom)
	return "", nil
}

// candidatsValides are the noms de naissance of the validated demo
// session's candidats, in its order.
func (s *site) candidatsValides(sid string) []string {
	s.t.Helper()
	ins, err := s.svc.Inscriptions(context.Background(), s.acteur("centre"), sid)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, in := range ins {
		if len(in.Evaluations) > 0 {
			out = append(out, in.NomNaissance)
		}
	}
	if len(out) < 2 {
		s.t.Fatalf("the validated demo session has %d candidats with decisions, want two", len(out))
	}
	return out
}

// TestJuryRecoursPages: a recours sent back to the jury is listed on the
// session's page; a member proposes the new decision from its page (a
// « non acquis » without reasons comes back on its field and writes
// nothing), two members sign it and the autorité records it. A member of
// another session reads it as unknown, a member with a declared link with
// the candidat is told why he may not deliberate.
func TestJuryRecoursPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		sid := s.validatedDemoSession()
		noms := s.candidatsValides(sid)
		_, r := s.recoursRenvoye(noms[0])
		_, lie := s.recoursRenvoye(noms[1])
		if _, err := s.svc.DeclarerLien(ctx, s.acteur("centre"), s.membre("jury2"), lie.CandidatID, "formateur"); err != nil {
			t.Fatal(err)
		}
		session := "/jury/sessions/" + sid
		fiche := session + "/recours/" + r.ID

		j1 := s.client()
		j1.login("jury1")
		if p := j1.get(session); p.Status != http.StatusOK || !strings.Contains(p.Body, "Recours renvoyés au jury") || !strings.Contains(p.Body, `href="`+fiche+`"`) {
			t.Fatalf("the session's page does not list the recours: %d", p.Status)
		}
		p := j1.get(fiche)
		for _, want := range []string{"Le jury n’a pas examiné le dossier professionnel.", "Le dossier professionnel n’apparaît pas au PV.",
			"Résultat contesté", "Aucune décision n’est encore proposée.", "Proposer la décision du jury"} {
			if p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
				t.Errorf("the recours page lacks %q (%d)", want, p.Status)
			}
		}
		ccp := s.inscription(r.InscriptionID).Evaluations[0].CCP

		bad := url.Values{"version": {"2"}, "decision-" + ccp: {"non_acquis"}, "motif": {"Après réexamen du dossier professionnel."}}
		if p := j1.post(fiche, fiche, bad); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, `id="f-motifs-`+ccp+`-erreur"`) || !strings.Contains(p.Body, "Une décision « non acquis » est motivée") {
			t.Errorf("« non acquis » without reasons: %d %s", p.Status, p.Body)
		}
		if p := j1.post(fiche, fiche, url.Values{"version": {"2"}, "motif": {"Rien."}}); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, "Indiquez la décision sur au moins un CCP réexaminé.") {
			t.Errorf("no CCP re-examined: %d", p.Status)
		}
		// Hostile reasons, of the decision and of a CCP: refused on their
		// field, never a 500.
		for _, motif := range []string{"a\x00b", "Du\xffpont", "Réexamen \u202e inversé", strings.Repeat("é", 5001)} {
			hostile := url.Values{"version": {"2"}, "decision-" + ccp: {"acquis"}, "motif": {motif}}
			if p := j1.post(fiche, fiche, hostile); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-motif-erreur"`) {
				t.Errorf("reasons %.20q: %d", motif, p.Status)
			}
			hostile = url.Values{"version": {"2"}, "decision-" + ccp: {"non_acquis"}, "motifs-" + ccp: {motif}, "motif": {"Réexamen."}}
			if p := j1.post(fiche, fiche, hostile); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-motifs-`+ccp+`-erreur"`) {
				t.Errorf("« non acquis » reasons %.20q: %d", motif, p.Status)
			}
		}
		if got, _ := s.svc.LireRecours(ctx, s.acteur("dreets"), r.ID); got == nil || got.Proposition != nil || got.Version != r.Version {
			t.Fatalf("the refused forms wrote a proposition: %+v", got)
		}

		good := url.Values{"version": {"2"}, "decision-" + ccp: {"non_acquis"}, "motifs-" + ccp: {"Le dossier professionnel ne couvre pas ce CCP."},
			"motif": {"Après réexamen du dossier professionnel, la décision est maintenue."}}
		p = j1.post(fiche, fiche, good)
		if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "info=deliberation-proposee") {
			t.Fatalf("proposal: %d %s", p.Status, p.Body)
		}
		if p := j1.post(fiche, fiche, good); p.Status != http.StatusConflict || !strings.Contains(p.Body, "modifié entre-temps") {
			t.Errorf("a proposal on a stale version: %d", p.Status)
		}
		p = j1.get(fiche)
		if !strings.Contains(p.Body, "Le dossier professionnel ne couvre pas ce CCP.") || !strings.Contains(p.Body, "0 signature(s) sur 2 requises") ||
			!strings.Contains(p.Body, "Signer cette décision") {
			t.Errorf("the proposal as shown: %s", p.Body)
		}
		if p := j1.post(fiche, fiche+"/signature", url.Values{}); p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "deliberation-signee") {
			t.Fatalf("jury1 signs: %d %s", p.Status, p.Body)
		}
		if p := j1.get(fiche); !strings.Contains(p.Body, "Vous avez signé cette décision.") || !strings.Contains(p.Body, "1 signature(s) sur 2 requises : Françoise Martin") {
			t.Errorf("jury1 after signing: %s", p.Body)
		}

		j2 := s.client()
		j2.login("jury2")
		if p := j2.post(fiche, fiche+"/signature", url.Values{}); p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "deliberation-complete") {
			t.Fatalf("jury2 signs: %d %s", p.Status, p.Body)
		}
		got, err := s.svc.LireRecours(ctx, s.acteur("dreets"), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err = s.svc.DeciderRecours(ctx, s.acteur("dreets"), r.ID, got.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation})
		if err != nil || got.Statut != certification.RecoursNouvelleDeliberation {
			t.Fatalf("the autorité records the signed decision: %v", err)
		}
		if p := j1.get(fiche); p.Status != http.StatusOK || strings.Contains(p.Body, "Proposer") || strings.Contains(p.Body, "Signer cette décision") {
			t.Errorf("the recorded recours still offers the forms: %d", p.Status)
		}

		// jury2 declared a link with the other candidat.
		autre := session + "/recours/" + lie.ID
		if p := j2.get(autre); p.Status != http.StatusOK || !strings.Contains(p.Body, "vous ne délibérez pas à son sujet") || strings.Contains(p.Body, "Proposer la décision") {
			t.Errorf("the linked member's page: %d", p.Status)
		}
		if p := j2.post(session, autre, good); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Un lien avec ce candidat est déclaré") {
			t.Errorf("the linked member proposes: %d %s", p.Status, p.Body)
		}
		if got, _ := s.svc.LireRecours(ctx, s.acteur("dreets"), lie.ID); got == nil || got.Proposition != nil {
			t.Errorf("the linked member's proposal was written: %+v", got)
		}

		// A member of another session, and a recours under another
		// session's address.
		compte, err := s.svc.CreateUtilisateur(ctx, s.acteur("admin"), certification.NouvelUtilisateur{Identifiant: "jury9", Nom: "Claire Dubois",
			MotDePasse: "un-mot-de-passe-long", Role: certification.RoleJury})
		if err != nil {
			t.Fatal(err)
		}
		m := s.autreMembre()
		if _, err := s.svc.LierCompteMembre(ctx, s.acteur("dreets"), m, compte.ID); err != nil {
			t.Fatal(err)
		}
		d := s.heldSession(t, []string{s.membre("jury1"), m}, [2]string{"Durand", "Léa"})
		j9 := s.client()
		if p := j9.post("/connexion", "/connexion", url.Values{"identifiant": {"jury9"}, "mot_de_passe": {"un-mot-de-passe-long"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("login jury9: %d", p.Status)
		}
		for _, path := range []string{autre, "/jury/sessions/" + d.session + "/recours/" + lie.ID} {
			if p := j9.get(path); p.Status != http.StatusNotFound {
				t.Errorf("jury9 reads %s: %d", path, p.Status)
			}
			if p := j9.post("/jury/sessions/"+d.session, path, good); p.Status != http.StatusNotFound {
				t.Errorf("jury9 proposes on %s: %d", path, p.Status)
			}
		}
		if p := j1.get("/jury/sessions/" + d.session + "/recours/" + lie.ID); p.Status != http.StatusNotFound {
			t.Errorf("a recours under another session's address: %d", p.Status)
		}
		s.forbidden(t, []string{"centre", "dreets", "admin", "candidat"}, autre)
	})
}

// TestBrowserJuryRecours: a member opens the recours from the session's
// page, proposes a « non acquis » without reasons (the error is on the
// field), then with them, and signs; each page passes axe.
func TestBrowserJuryRecours(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		sid := s.validatedDemoSession()
		_, r := s.recoursRenvoye(s.candidatsValides(sid)[0])
		fiche := "/jury/sessions/" + sid + "/recours/" + r.ID
		u := s.person(t)
		u.login("jury1")
		u.open("/jury/sessions/" + sid)
		u.click(`a[href="` + fiche + `"]`)
		u.check("GET /jury/sessions/:id/recours/:rid", "jury-recours")

		ccp := s.inscription(r.InscriptionID).Evaluations[0].CCP
		u.do(chromedp.Click(chromedp.CSS(`label[for="` + u.inputID("decision-"+ccp, "non_acquis") + `"]`)))
		u.submit("#f-motif", "Après réexamen du dossier professionnel.")
		if u.status() != http.StatusUnprocessableEntity || !strings.Contains(u.text("#f-motifs-"+ccp+"-erreur"), "Une décision « non acquis » est motivée") {
			t.Fatalf("« non acquis » without reasons: %d %s", u.status(), u.body())
		}
		u.check("POST /jury/sessions/:id/recours/:rid", "jury-recours-erreur")

		u.submit("#f-motifs-"+ccp, "Le dossier professionnel ne couvre pas ce CCP.")
		if !strings.Contains(u.path(), "info=deliberation-proposee") || !strings.Contains(u.body(), "0 signature(s) sur 2 requises") {
			t.Fatalf("proposal: %s %s", u.path(), u.body())
		}
		u.click("#signer-deliberation")
		if !strings.Contains(u.body(), "Vous avez signé cette décision.") || !strings.Contains(u.body(), "Françoise Martin") {
			t.Errorf("after signing: %s", u.body())
		}
		u.check("POST /jury/sessions/:id/recours/:rid/signature", "jury-recours-signe")
	})
}

// inscription reads an enrolment of the demo's validated session.
func (s *site) inscription(id string) certification.Inscription {
	s.t.Helper()
	ins, err := s.svc.Inscriptions(context.Background(), s.acteur("centre"), s.validatedDemoSession())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, in := range ins {
		if in.ID == id {
			return in
		}
	}
	s.t.Fatalf("no enrolment %s", id)
	return certification.Inscription{}
}
