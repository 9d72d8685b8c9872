package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestResaisieParLeMemeMembre: a member who sends again the result he
// recorded last (a retry, a second click, a client that kept the version it
// read before its own save) is not told that someone changed it: nobody
// did. A different value on a stale version, or the same value over another
// member's decision, is still refused.
func TestResaisieParLeMemeMembre(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		s, ins := f.held(f.candidatID("Lefèvre"))
		in := f.presence("jury1", s.ID, ins[0], "present", "favorable")
		// The same presence again, with the version read before it.
		again := f.presence("jury1", s.ID, ins[0], "present", "favorable")
		if again.Version != in.Version {
			t.Errorf("re-sent presence: version %d, want %d unchanged", again.Version, in.Version)
		}

		path := evalPath(s.ID, in.ID, "CCP1")
		f.ok(f.as("jury1", "PUT", path, evaluation("acquis", true)), http.StatusOK, nil)
		events := f.count("evenements")
		// Re-sent without If-Match, as the first save was, and with the
		// version before the save: the member's own decision, unchanged.
		for _, h := range [][]string{nil, {ifMatch(1)}} {
			rec := f.as("jury1", "PUT", path, evaluation("acquis", true), h...)
			f.ok(rec, http.StatusOK, nil)
			if et := rec.Header().Get("ETag"); et != `"1"` {
				t.Errorf("re-sent decision %v: ETag %s, want \"1\"", h, et)
			}
		}
		if n := f.count("evenements"); n != events {
			t.Errorf("re-sending wrote %d events", n-events)
		}
		// Another value without the version: If-Match asked for, nothing
		// overwritten.
		wantCode(t, f.as("jury1", "PUT", path, evaluation("non_acquis", true)), http.StatusPreconditionRequired, "if_match_requis")
		// The same value over another member's decision: he did not see it.
		f.ok(f.as("jury2", "PUT", path, evaluation("non_acquis", true), ifMatch(1)), http.StatusOK, nil)
		wantCode(t, f.as("jury1", "PUT", path, evaluation("non_acquis", true), ifMatch(1)), http.StatusPreconditionFailed, "version_perimee")
		if got := f.inscriptions("jury1", s.ID)[in.ID].evaluation("CCP1"); got.Version != 2 || got.Decision != "non_acquis" {
			t.Errorf("stored %+v", got)
		}
	})
}

// TestIncidents: the jury records incidents per candidat, in categories,
// while the session is held; they are listed, audited, printed on the
// draft PV, and withdraw the signatures already given.
func TestIncidents(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		s, ins := f.held(f.candidatID("Lefèvre"))
		path := "/api/v1/sessions/" + s.ID + "/inscriptions/" + ins[0].ID + "/incidents"
		list := "/api/v1/sessions/" + s.ID + "/incidents"

		wantProblem(t, f.as("jury1", "POST", path, map[string]any{"categorie": "inconnue"}), http.StatusUnprocessableEntity, "categorie")
		wantProblem(t, f.as("jury1", "POST", path, map[string]any{"categorie": "autre", "description": "  "}), http.StatusUnprocessableEntity, "description")
		for _, as := range []string{"centre", "dreets", "admin", "candidat"} {
			wantCode(t, f.as(as, "POST", path, map[string]any{"categorie": "retard"}), http.StatusForbidden, "acces_refuse")
		}
		if n := f.count("incidents"); n != 0 {
			t.Fatalf("refusals wrote %d incidents", n)
		}
		f.record(s, ins[0], "jury1", true, nil)
		f.step("jury1", s.ID, "signature", http.StatusOK)

		var got struct {
			ID               string `json:"id"`
			CategorieLibelle string `json:"categorie_libelle"`
			Candidat         string `json:"candidat_nom"`
		}
		f.ok(f.as("jury2", "POST", path, map[string]any{"categorie": "retard", "description": "Arrivée à 9 h 40."}), http.StatusCreated, &got)
		if got.CategorieLibelle != "Candidat en retard" || !strings.Contains(got.Candidat, "Lefèvre") {
			t.Errorf("incident %+v", got)
		}
		var l struct {
			Incidents []struct {
				ID string `json:"id"`
			} `json:"incidents"`
		}
		for _, as := range []string{"jury1", "centre", "dreets", "admin"} {
			f.ok(f.as(as, "GET", list, nil), http.StatusOK, &l)
			if len(l.Incidents) != 1 || l.Incidents[0].ID != got.ID {
				t.Errorf("%s lists %+v", as, l)
			}
		}
		wantCode(t, f.as("candidat", "GET", list, nil), http.StatusForbidden, "acces_refuse")
		var sess sessionOut
		f.ok(f.as("jury1", "GET", sessionPath(s.ID), nil), http.StatusOK, &sess)
		for _, j := range sess.Jury {
			if j.SigneLe != nil {
				t.Errorf("a signature survived an incident: %+v", sess.Jury)
			}
		}
		var n int64
		if err := db.Table("evenements").Where("action = 'incident' AND objet_id = ?", got.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d incident events (%v)", n, err)
		}
		draft := f.as("jury1", "GET", sessionPath(s.ID, "pv-brouillon.pdf"), nil)
		if txt := strings.Join(strings.Fields(pdfText(t, draft.Body.Bytes())), " "); !strings.Contains(txt, "Incidents et observations (1)") ||
			!strings.Contains(txt, "Candidat en retard Arrivée à 9 h 40.") {
			t.Errorf("draft PV without the incident: %s", txt)
		}
		f.deliberate(s.ID)
		wantCode(t, f.as("jury1", "POST", path, map[string]any{"categorie": "retard"}), http.StatusConflict, "resultats_verrouilles")
	})
}
