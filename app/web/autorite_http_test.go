package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// validatedDemoSession returns the id of the demo's validated session.
func (s *site) validatedDemoSession() string {
	s.t.Helper()
	var id string
	if err := s.db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
		s.t.Fatalf("validated demo session: %v", err)
	}
	return id
}

// countDocuments counts the documents of a session, whatever their status.
func (s *site) countDocuments(sessionID string) int64 {
	s.t.Helper()
	var n int64
	if err := s.db.Table("documents").Where("session_id = ?", sessionID).Count(&n).Error; err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestAutoriteWorklists(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		c := s.client()
		if got := c.login("dreets"); got != "/autorite" {
			t.Fatalf("the autorité lands on %q", got)
		}
		home := c.get("/autorite")
		for _, want := range []string{"DREETS Auvergne-Rhône-Alpes (région Auvergne-Rhône-Alpes)", `href="/autorite/sessions?statut=a-delivrer"`,
			`href="/autorite/sessions/` + id + `"`} {
			if home.Status != http.StatusOK || !strings.Contains(home.Body, want) {
				t.Errorf("home lacks %q (%d)", want, home.Status)
			}
		}

		lists := map[string]bool{"a-delivrer": true, "validees": true, "toutes": true, "a-verifier": false, "a-valider": false}
		for statut, listed := range lists {
			p := c.get("/autorite/sessions?statut=" + statut)
			if p.Status != http.StatusOK || strings.Contains(p.Body, `href="/autorite/sessions/`+id+`"`) != listed {
				t.Errorf("list %s: %d, lists the validated session: %v", statut, p.Status, !listed)
			}
		}
		if p := c.get("/autorite/sessions"); !strings.Contains(p.Body, `href="/autorite/sessions/`+id+`"`) || !strings.Contains(p.Body, `aria-current="page"`) {
			t.Error("the list without a status is not the whole territory")
		}
		if p := c.get("/autorite/sessions?statut=perdues"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Cette liste n’existe pas") {
			t.Errorf("unknown list: %d", p.Status)
		}
		if p := c.get("/autorite/sessions?statut=toutes&recherche=Nantes"); strings.Contains(p.Body, `href="/autorite/sessions/`+id+`"`) ||
			!strings.Contains(p.Body, "Aucune session de cette liste ne correspond à « Nantes »") {
			t.Errorf("search: %d", p.Status)
		}
		if p := c.get("/autorite/sessions?statut=toutes&recherche=lyon"); !strings.Contains(p.Body, `href="/autorite/sessions/`+id+`"`) {
			t.Error("a search on the place, whatever its case, misses the session")
		}

		rev := c.get("/autorite/sessions/" + id)
		for _, want := range []string{"PV signé par Françoise Martin", "PV validé : résultats publiés", "Nguyễn", "Réussite partielle",
			"0 document délivré sur 5", "Le PV est déjà validé."} {
			if rev.Status != http.StatusOK || !strings.Contains(rev.Body, want) {
				t.Errorf("review lacks %q (%d)", want, rev.Status)
			}
		}

		// Another territory's autorité: the 404 page, whatever the page,
		// and nothing written.
		o := s.client()
		o.login("dreets-pdl")
		for _, path := range []string{"/autorite/sessions/" + id, "/autorite/sessions/" + id + "/journal",
			"/autorite/sessions/" + id + "/regularisation", "/autorite/sessions/" + id + "/documents.zip",
			"/autorite/sessions/" + id + "/pv-brouillon.pdf", "/autorite/candidats/" + s.candidatID("Nguyễn") + "/journal",
			"/autorite/candidats/" + s.candidatID("Nguyễn") + "/rectification"} {
			if p := o.get(path); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Page introuvable") {
				t.Errorf("%s for another territory: %d", path, p.Status)
			}
		}
		if p := o.post("/autorite", "/autorite/sessions/"+id+"/emission", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("issuance by another territory: %d", p.Status)
		}
		if p := o.get("/autorite/sessions?statut=toutes"); strings.Contains(p.Body, id) {
			t.Error("another territory lists the session")
		}
		if n := s.countDocuments(id); n != 0 {
			t.Fatalf("%d documents after refusals", n)
		}
		// Other roles: refused.
		ce := s.client()
		ce.login("centre")
		if p := ce.get("/autorite"); p.Status != http.StatusForbidden {
			t.Errorf("a centre on the autorité's home: %d", p.Status)
		}

		// The page's script asking for a step the service refuses gets the
		// refusal where the progress is, in an answer htmx swaps.
		var planned string
		if err := s.db.Table("sessions").Select("id").Where("statut = ?", certification.Planifiee).Scan(&planned).Error; err != nil || planned == "" {
			t.Fatalf("planned demo session: %v", err)
		}
		form := url.Values{"_csrf": {csrfOf(t, c.get("/autorite/sessions/"+planned).Body)}}
		if p := c.do("POST", "/autorite/sessions/"+planned+"/emission", form, browserAccept, "HX-Request", "true"); p.Status != http.StatusOK ||
			!strings.Contains(p.Body, `role="alert"><p>La session est planifiée : les documents ne sont délivrés qu&#39;après validation du PV.</p>`) {
			t.Errorf("a refused step asked by the script: %d", p.Status)
		}

		// Without JavaScript, one press issues one step: here all five.
		p := c.post("/autorite/sessions/"+id, "/autorite/sessions/"+id+"/emission", url.Values{})
		if p.Status != http.StatusSeeOther || p.Location != "/autorite/sessions/"+id+"?info=documents-delivres#emission" {
			t.Fatalf("issuance: %d %q", p.Status, p.Location)
		}
		rev = c.get("/autorite/sessions/" + id)
		if !strings.Contains(rev.Body, "5 documents délivrés sur 5") || !strings.Contains(rev.Body, "Tous les documents dus sont délivrés.") ||
			!strings.Contains(rev.Body, "Premiers documents délivrés") {
			t.Errorf("after issuance: %s", rev.Body)
		}
		if n := s.countDocuments(id); n != 5 {
			t.Errorf("%d documents issued, want 5", n)
		}
		if p := c.get("/autorite/sessions/" + id + "/documents.zip"); p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/zip" {
			t.Errorf("zip: %d", p.Status)
		}
	})
}

func TestAutoriteCorrection(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		ins, err := s.svc.Inscriptions(context.Background(), s.acteur("dreets"), id)
		if err != nil {
			t.Fatal(err)
		}
		var iid string
		var version int
		for _, in := range ins {
			for _, e := range in.Evaluations {
				if in.NomNaissance == "Nguyễn" && e.CCP == "CCP2" {
					iid, version = in.ID, e.Version
				}
			}
		}
		path := "/autorite/sessions/" + id + "/inscriptions/" + iid + "/corrections/CCP2"
		c := s.client()
		c.login("dreets")
		form := c.get(path)
		if form.Status != http.StatusOK || !strings.Contains(form.Body, `id="decision-avant"`) || !strings.Contains(form.Body, "plan d&#39;action") {
			t.Fatalf("correction form: %d", form.Status)
		}
		v := url.Values{"decision": {"acquis"}, "msp": {"1"}, "dossier_professionnel": {"1"}, "version": {strconv.Itoa(version)}}
		if p := c.post(path, path, v); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-motif-erreur"`) {
			t.Errorf("without a reason: %d", p.Status)
		}
		v.Set("motif", "Décision transcrite à l’envers : la grille signée indique CCP2 acquis.")
		v.Set("version", strconv.Itoa(version+5))
		if p := c.post(path, path, v); p.Status != http.StatusPreconditionFailed || !strings.Contains(p.Body, "modifiée entre-temps") {
			t.Errorf("stale version: %d", p.Status)
		}
		v.Set("version", strconv.Itoa(version))
		p := c.post(path, path, v)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/autorite/sessions/"+id+"?info=decision-corrigee") {
			t.Fatalf("correction: %d %s", p.Status, p.Body)
		}
		if p := c.post(path, path, v); p.Status != http.StatusPreconditionFailed {
			t.Errorf("the same correction again, at the old version: %d", p.Status)
		}
		j := c.get("/autorite/candidats/" + s.candidatID("Nguyễn") + "/journal")
		for _, want := range []string{"Décision corrigée par l’autorité — erreur matérielle : CCP2",
			"Motif : « Décision transcrite à l’envers", "<td>non acquis</td><td>acquis</td>", "par Hélène Girard, DREETS Auvergne-Rhône-Alpes (l’autorité)"} {
			if j.Status != http.StatusOK || !strings.Contains(j.Body, want) {
				t.Errorf("journal lacks %q", want)
			}
		}
		if strings.Contains(j.Body, `"decision"`) || strings.Contains(j.Body, "saisi_par") {
			t.Error("the journal shows JSON")
		}
	})
}
