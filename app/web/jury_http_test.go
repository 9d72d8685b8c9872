package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// acquisForm is the entry form of a candidat present with a favourable
// entretien final and every CCP acquis on its usual elements.
func acquisForm(versions map[string]string) url.Values {
	v := url.Values{"presence": {"present"}, "entretien_final": {"favorable"}, "version": {versions["version"]}, "suivant": {versions["suivant"]}}
	for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
		v.Add("ccp", c)
		v.Set("version-"+c, versions["version-"+c])
		v.Set("decision-"+c, "acquis")
		v["elements-"+c] = []string{"msp", "entretien_technique", "dossier_professionnel", "ecf"}
	}
	return v
}

// hidden reads the hidden version fields of an entry form.
func hidden(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{"version": regexpFind(t, `name="version" value="([0-9]+)"`, body),
		"suivant": regexpFind(t, `name="suivant" value="([0-9a-f-]+)"`, body)}
	for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
		out["version-"+c] = regexpFind(t, `name="version-`+c+`" value="([0-9]+)"`, body)
	}
	return out
}

// TestJuryDeskPages walks the jury's desk without JavaScript: its
// sessions, the presence list, the entry form with the defaults the route
// implies (no ECF for a VAE candidat), the save that opens the next
// candidat, a conflict between two members, and the refusals: another
// role, a member who does not sit, a member linked to the candidat.
func TestJuryDeskPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")},
			[2]string{"Durand", "Léa"}, [2]string{"VAE-Morel", "Inès"}, [2]string{"Roux", "Paul"})
		base := "/jury/sessions/" + d.session
		j1 := s.client()
		if home := j1.login("jury1"); home != "/jury/sessions" {
			t.Fatalf("jury1 lands on %s", home)
		}
		list := j1.get("/jury/sessions")
		if list.Status != 200 || !strings.Contains(list.Body, `href="`+base+`"`) || !strings.Contains(list.Body, "Aujourd’hui") {
			t.Fatalf("Mes sessions: %d %s", list.Status, list.Body)
		}
		if i, j := strings.Index(list.Body, base), strings.Index(list.Body, "Validée"); i < 0 || j < 0 || i > j {
			t.Errorf("today's session is not listed before the past one")
		}
		page := j1.get(base)
		if page.Status != 200 || !strings.Contains(page.Body, "0 / 3 présents") {
			t.Fatalf("session page: %d %s", page.Status, page.Body)
		}
		// Another role is refused every page of the desk, nothing written.
		for _, as := range []string{"centre", "dreets", "candidat"} {
			c := s.client()
			home := c.login(as)
			for _, path := range []string{"/jury/sessions", base, base + "/signature", base + "/candidats/" + d.ins["Durand"]} {
				if p := c.get(path); p.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d", as, path, p.Status)
				}
			}
			for _, path := range []string{base + "/presence", base + "/signature", base + "/incidents", base + "/candidats/" + d.ins["Durand"]} {
				if p := c.post(home, path, url.Values{"inscription_id": {d.ins["Durand"]}, "version": {"1"}, "present": {"1"}, "categorie": {"retard"}}); p.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", as, path, p.Status)
				}
			}
		}
		var events int64
		if err := db.Table("evenements").Where("session_id = ? AND action IN ('presence', 'evaluation', 'incident', 'pv_signe')", d.session).Count(&events).Error; err != nil || events != 0 {
			t.Errorf("refused requests wrote %d events (%v)", events, err)
		}

		// Presence from the list, as the row's button sends it.
		p := j1.post(base, base+"/presence", url.Values{"inscription_id": {d.ins["Durand"]}, "version": {"1"}, "present": {"1"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("presence: %d %s", p.Status, p.Body)
		}
		if got := j1.get(base).Body; !strings.Contains(got, "1 / 3 présents") {
			t.Errorf("counter after one presence: %s", got)
		}

		// The VAE candidat's form has no ECF, and says why.
		vae := j1.get(base + "/candidats/" + d.ins["VAE-Morel"])
		if vae.Status != 200 || strings.Contains(vae.Body, `value="ecf"`) || !strings.Contains(vae.Body, "ECF : sans objet") {
			t.Errorf("VAE form: %d %s", vae.Status, vae.Body)
		}
		form := j1.get(base + "/candidats/" + d.ins["Durand"])
		for _, want := range []string{`value="ecf" checked`, `value="msp" checked`, `value="dossier_professionnel" checked`, "Dossier du candidat",
			"Entretien d’accueil conduit avec méthode."} {
			if !strings.Contains(form.Body, want) {
				t.Errorf("Durand's form lacks %q", want)
			}
		}
		if strings.Contains(form.Body, "candidat@example.fr") || strings.Contains(form.Body, "14/03/1991") {
			t.Error("the jury's file shows the e-mail or the date of birth")
		}
		versions := hidden(t, form.Body)

		// jury2 read the same form; jury1 saves first.
		j2 := s.client()
		j2.login("jury2")
		read2 := hidden(t, j2.get(base+"/candidats/"+d.ins["Durand"]).Body)
		saved := j1.post(base+"/candidats/"+d.ins["Durand"], base+"/candidats/"+d.ins["Durand"], acquisForm(versions))
		if saved.Status != http.StatusSeeOther || !strings.HasPrefix(saved.Location, base+"/candidats/"+d.ins[d.order[1]]) {
			t.Fatalf("save: %d %s %s", saved.Status, saved.Location, saved.Body)
		}
		other := acquisForm(read2)
		other.Set("decision-CCP2", "non_acquis")
		other.Set("motifs-CCP2", "Le plan d’action n’est pas formalisé.")
		conflict := j2.post(base+"/candidats/"+d.ins["Durand"], base+"/candidats/"+d.ins["Durand"], other)
		if conflict.Status != http.StatusConflict || !strings.Contains(conflict.Body, "enregistré entre-temps par un autre membre") ||
			!strings.Contains(conflict.Body, "Remplacer par ma saisie") {
			t.Fatalf("conflict: %d %s", conflict.Status, conflict.Body)
		}
		in, err := s.svc.Inscriptions(context.Background(), s.acteur("centre"), d.session)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range in {
			if i.ID == d.ins["Durand"] && (i.Evaluation("CCP2") == nil || i.Evaluation("CCP2").Decision != "acquis") {
				t.Errorf("the conflicting entry overwrote jury1's: %+v", i.Evaluations)
			}
		}

		// A member linked to a candidat cannot open its form.
		if _, err := s.svc.DeclarerLien(context.Background(), s.acteur("centre"), s.membre("jury2"), d.cands["Roux"], "formateur"); err != nil {
			t.Fatal(err)
		}
		if p := j2.get(base + "/candidats/" + d.ins["Roux"]); p.Status == 200 || !strings.Contains(p.Body, "Un lien avec ce candidat est déclaré") {
			t.Errorf("linked member's form: %d %s", p.Status, p.Body)
		}
		if p := j2.get(base); !strings.Contains(p.Body, "Lien déclaré : vous ne l’évaluez pas") {
			t.Errorf("the linked candidat's row: %s", p.Body)
		}

		// A member who does not sit on a session gets the 404 page.
		other2 := s.heldSession(t, []string{s.membre("jury1"), s.autreMembre()}, [2]string{"Blanc", "Zoé"})
		if p := j2.get("/jury/sessions/" + other2.session); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Page introuvable") {
			t.Errorf("a session jury2 does not sit on: %d", p.Status)
		}
	})
}
