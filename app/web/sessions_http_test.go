package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// habilitatedJury returns the ids of the demo's habilitated jury members.
func (s *site) habilitatedJury() []string {
	s.t.Helper()
	ms, err := s.svc.Membres(context.Background(), s.acteur("centre"))
	if err != nil {
		s.t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		if len(m.Habilitations) > 0 {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) < 2 {
		s.t.Fatalf("the demo has %d habilitated jury members", len(ids))
	}
	return ids
}

var sessionPath = regexp.MustCompile(`^/centre/sessions/([0-9a-f-]{36})\?info=session-planifiee$`)

func TestCentreSessionDesk(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		c := s.client()
		c.login("centre")
		jury := s.habilitatedJury()

		list := c.get("/centre/sessions")
		if list.Status != http.StatusOK || !strings.Contains(list.Body, "<caption>Sessions du centre") ||
			!strings.Contains(list.Body, `href="/centre/sessions/nouvelle"`) {
			t.Fatalf("list: %d", list.Status)
		}
		if p := c.get("/centre/sessions?statut=perdue&debut=31/02/2026"); p.Status != http.StatusOK ||
			!strings.Contains(p.Body, "Date invalide") || !strings.Contains(p.Body, `aria-invalid="true"`) {
			t.Errorf("bad filters: %d", p.Status)
		}

		// Refused on its fields, written nothing.
		form := url.Values{"version_code": {"TP-00403-2023"}, "type": {"titre"}, "debut": {"23/11/2026"}, "fin": {"22/11/2026"},
			"lieu": {""}, "responsable": {"Sophie Garnier"}, "jury": jury}
		p := c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-lieu-erreur"`) {
			t.Fatalf("empty place: %d", p.Status)
		}
		form.Set("lieu", "Lyon")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "La date de fin précède la date de début.") ||
			!strings.Contains(p.Body, `id="f-fin-erreur"`) {
			t.Fatalf("end before start: %d", p.Status)
		}
		if !strings.Contains(p.Body, `value="`+jury[0]+`" checked`) {
			t.Error("the jury chosen is lost on a refusal")
		}
		form.Set("fin", "23/11/2026")
		form.Set("type", "ccp")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-ccp-erreur"`) {
			t.Fatalf("CCP session without blocs: %d", p.Status)
		}
		form.Set("type", "titre")
		p = c.post("/centre/sessions/nouvelle", "/centre/sessions/nouvelle", form)
		m := sessionPath.FindStringSubmatch(p.Location)
		if p.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("plan: %d %q %s", p.Status, p.Location, p.Body)
		}
		id, rec := m[1], "/centre/sessions/"+m[1]
		p = c.get(p.Location)
		for _, want := range []string{"La session est planifiée.", "Planifiée</span>", `aria-describedby="raison-tenir"`,
			"La session doit d&#39;abord être déclarée.", `aria-controls="modale-annulation"`, `aria-labelledby="modale-annulation-titre"`,
			"Aucun candidat n’est encore inscrit."} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("record lacks %s", want)
			}
		}
		if strings.Contains(p.Body, "pv-brouillon.pdf") {
			t.Error("a draft PV tile with nobody enrolled")
		}

		if p := c.post(rec, rec+"/declaration", url.Values{}); p.Location != rec+"?info=session-declaree" {
			t.Fatalf("declare: %d %q", p.Status, p.Location)
		}
		if p := c.post(rec, rec+"/declaration", url.Values{}); p.Status != http.StatusConflict {
			t.Errorf("declare twice: %d", p.Status)
		}

		// Enrol: the demo's other centre's candidat is not offered; an
		// ineligible one gets its reason on its row.
		cand := s.candidatID("Lefèvre")
		enrol := rec + "/inscription"
		if p := c.get(enrol); !strings.Contains(p.Body, `aria-label="Inscrire `) {
			t.Fatalf("enrol page: %d", p.Status)
		}
		p = c.post(enrol, enrol, url.Values{"candidat_id": {cand}})
		if p.Status == http.StatusSeeOther {
			t.Logf("Lefèvre enrolled")
		} else if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="refus-`+cand+`"`) {
			t.Fatalf("enrol refused: %d %s", p.Status, p.Body)
		}
		if p := c.post(enrol, enrol, url.Values{"candidat_id": {s.candidatID("Lefèvre")}}); p.Status == http.StatusInternalServerError {
			t.Error("500 on enrolment")
		}
		// Cancel needs a reason.
		p = c.post(rec, rec+"/annulation", url.Values{"motif": {"  "}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-motif-erreur"`) {
			t.Errorf("cancel without reason: %d", p.Status)
		}
		// Another centre sees none of it.
		c2 := s.client()
		c2.login("centre2")
		for _, path := range []string{rec, enrol, rec + "/annulation", rec + "/pv-brouillon.pdf"} {
			if p := c2.get(path); p.Status != http.StatusNotFound {
				t.Errorf("centre2 on %s: %d", path, p.Status)
			}
		}
		if p := c2.post("/centre/sessions", rec+"/tenue", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("centre2 holds: %d", p.Status)
		}
		if p := c.post(rec, rec+"/tenue", url.Values{}); p.Location != rec+"?info=session-tenue" {
			t.Fatalf("hold: %d %q", p.Status, p.Location)
		}
		p = c.get(rec)
		if !strings.Contains(p.Body, "Tenue</span>") || !strings.Contains(p.Body, `id="raison-inscrire"`) {
			t.Error("held record")
		}
		if p := c.get("/centre/sessions?statut=tenue"); !strings.Contains(p.Body, id) {
			t.Error("the held session is not listed under tenue")
		}
		if p := c.get("/centre/sessions?statut=planifiee"); strings.Contains(p.Body, id) {
			t.Error("the held session is listed under planifiée")
		}
	})
}
