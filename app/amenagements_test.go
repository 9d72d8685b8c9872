package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type amenagementOut struct {
	ID                string `json:"id"`
	InscriptionID     string `json:"inscription_id"`
	Type              string `json:"type"`
	Detail            string `json:"detail"`
	DecisionReference string `json:"decision_reference"`
	DecisionDate      string `json:"decision_date"`
	Version           int    `json:"version"`
}

// TestAmenagements: the centre records a candidat's aménagements before the
// session; the candidat, the session's jury and the autorité read them,
// another centre and a member of another jury get 404; the convocation,
// the draft PV and the issued PV state them, the public verification
// never; edits are optimistically locked, closed once the session is held,
// and all in the trail.
func TestAmenagements(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		today, tomorrow := f.clock().Format("2006-01-02"), f.clock().AddDate(0, 0, 1).Format("2006-01-02")
		s := f.session("titre", nil, today, tomorrow)
		in, autre := f.enrol(s.ID, lefevre, nil), f.enrol(s.ID, nguyen, nil)
		path := "/api/v1/sessions/" + s.ID
		insPath := path + "/inscriptions/" + in.ID + "/amenagements"
		decide := f.clock().AddDate(0, 0, -20).Format("2006-01-02")
		temps := map[string]any{"type": "temps_majore", "detail": "Un tiers de temps en plus pour chaque épreuve",
			"decision_reference": "DREETS-AMG-2026-014", "decision_date": decide}

		// Bad input, the wrong role or another centre write nothing.
		rows := f.count("amenagements")
		for _, bad := range []map[string]any{
			{"type": "diagnostic", "decision_reference": "R-1", "decision_date": decide},
			{"type": "autre", "decision_reference": "R-1", "decision_date": decide},
			{"type": "temps_majore", "decision_reference": "R-1", "decision_date": f.clock().AddDate(0, 0, 3).Format("2006-01-02")},
			{"type": "temps_majore", "decision_reference": " ", "decision_date": decide},
		} {
			wantCode(t, f.as("centre", "POST", insPath, bad), http.StatusUnprocessableEntity, "amenagement_invalide")
		}
		wantCode(t, f.as("jury1", "POST", insPath, temps), http.StatusForbidden, "acces_refuse")
		wantCode(t, f.as("dreets", "POST", insPath, temps), http.StatusForbidden, "acces_refuse")
		wantCode(t, f.as("centre2", "POST", insPath, temps), http.StatusNotFound, "introuvable")
		if got := f.count("amenagements"); got != rows {
			t.Fatalf("refused writes left %d rows, had %d", got, rows)
		}

		var am, aide, erreur amenagementOut
		f.ok(f.as("centre", "POST", insPath, temps), http.StatusCreated, &am)
		f.ok(f.as("centre", "POST", insPath, map[string]any{"type": "assistance_humaine", "detail": "Un secrétaire lecteur-scripteur",
			"decision_reference": "DREETS-AMG-2026-014", "decision_date": decide}), http.StatusCreated, &aide)
		f.ok(f.as("centre", "POST", insPath, map[string]any{"type": "salle_adaptee",
			"decision_reference": "ERREUR", "decision_date": decide}), http.StatusCreated, &erreur)

		// Optimistic locking: the second writer from the same version loses.
		temps["detail"] = "Un tiers de temps en plus pour chaque épreuve écrite et orale"
		amPath := path + "/amenagements/" + am.ID
		wantCode(t, f.as("centre", "PUT", amPath, temps), http.StatusPreconditionRequired, "if_match_requis")
		f.ok(f.as("centre", "PUT", amPath, temps, ifMatch(am.Version)), http.StatusOK, &am)
		if am.Version != 2 {
			t.Errorf("version after a change: %d", am.Version)
		}
		wantCode(t, f.as("centre", "PUT", amPath, temps, ifMatch(1)), http.StatusPreconditionFailed, "version_perimee")
		wantCode(t, f.as("centre", "POST", path+"/amenagements/"+erreur.ID+"/retrait", nil, ifMatch(erreur.Version+1)),
			http.StatusPreconditionFailed, "version_perimee")
		f.ok(f.as("centre", "POST", path+"/amenagements/"+erreur.ID+"/retrait", nil, ifMatch(erreur.Version)), http.StatusNoContent, nil)

		// Who reads them.
		var lu struct{ Amenagements []amenagementOut }
		for _, as := range []string{"jury1", "jury2", "dreets", "centre"} {
			lu.Amenagements = nil
			f.ok(f.as(as, "GET", path+"/amenagements", nil), http.StatusOK, &lu)
			if len(lu.Amenagements) != 2 || lu.Amenagements[0].InscriptionID != in.ID {
				t.Errorf("%s reads %+v", as, lu.Amenagements)
			}
		}
		f.ok(f.as("candidat", "GET", insPath, nil), http.StatusOK, &lu)
		if len(lu.Amenagements) != 2 || lu.Amenagements[0].Detail != "Un tiers de temps en plus pour chaque épreuve écrite et orale" {
			t.Errorf("the candidat reads %+v", lu.Amenagements)
		}
		wantCode(t, f.as("candidat", "GET", path+"/inscriptions/"+autre.ID+"/amenagements", nil), http.StatusNotFound, "introuvable")
		wantCode(t, f.as("candidat", "GET", path+"/amenagements", nil), http.StatusForbidden, "acces_refuse")
		wantCode(t, f.as("admin", "GET", insPath, nil), http.StatusForbidden, "acces_refuse")
		f.thirdMember()
		for _, as := range []string{"centre2", "jury3"} {
			wantCode(t, f.as(as, "GET", path+"/amenagements", nil), http.StatusNotFound, "introuvable")
			wantCode(t, f.as(as, "GET", insPath, nil), http.StatusNotFound, "introuvable")
		}

		// The convocation states them with their decision; the other
		// candidat's says nothing of them.
		conv := pdfText(t, f.as("candidat", "GET", path+"/inscriptions/"+in.ID+"/convocation.pdf", nil).Body.Bytes())
		for _, want := range []string{"Aménagements d’épreuves", "Temps majoré : Un tiers de temps en plus pour chaque épreuve écrite et orale",
			"Assistance humaine : Un secrétaire lecteur-scripteur", "DREETS-AMG-2026-014"} {
			if !strings.Contains(conv, want) {
				t.Errorf("the convocation lacks %q:\n%s", want, conv)
			}
		}
		if other := pdfText(t, f.as("centre", "GET", path+"/inscriptions/"+autre.ID+"/convocation.pdf", nil).Body.Bytes()); strings.Contains(other, "Aménagement") {
			t.Errorf("another candidat's convocation states aménagements")
		}

		// Once the session is held, what was planned stays.
		f.step("centre", s.ID, "declaration", http.StatusOK)
		f.step("centre", s.ID, "tenue", http.StatusOK)
		wantCode(t, f.as("centre", "POST", insPath, temps), http.StatusConflict, "amenagements_clos")
		wantCode(t, f.as("centre", "PUT", amPath, temps, ifMatch(am.Version)), http.StatusConflict, "amenagements_clos")

		// The draft PV says they were applied.
		draft := pdfText(t, f.as("jury1", "GET", path+"/pv-brouillon.pdf", nil).Body.Bytes())
		for _, want := range []string{"Aménagements d’épreuves appliqués (2)", "ont été appliqués", "Secrétaire lecteur-scripteur", "DREETS-AMG-2026-014"} {
			if !strings.Contains(strings.ToLower(draft), strings.ToLower(want)) {
				t.Errorf("the draft PV lacks %q:\n%s", want, draft)
			}
		}
		if strings.Contains(draft, "ERREUR") {
			t.Errorf("the draft PV states a withdrawn aménagement")
		}

		// The issued PV too; the public verification of the candidat's
		// document says nothing of them.
		f.record(s, in, "jury1", true, nil)
		f.record(s, autre, "jury2", false, map[string]string{"CCP2": "non_acquis"})
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)
		docs := byType(f.issueAll(s.ID))
		pv := f.as("dreets", "GET", "/api/v1/documents/"+docs["pv"].ID+".pdf", nil)
		f.ok(pv, http.StatusOK, nil)
		if txt := pdfText(t, pv.Body.Bytes()); !strings.Contains(txt, "Aménagements d’épreuves appliqués (2)") {
			t.Errorf("the issued PV lacks the aménagements:\n%s", txt)
		}
		for _, d := range docs {
			if d.CandidatID != lefevre || d.Code == "" {
				continue
			}
			rec := f.do("GET", "/verification/"+d.Code, "", nil)
			if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "DREETS-AMG") || strings.Contains(strings.ToLower(rec.Body.String()), "aménagement") {
				t.Errorf("public verification %d: %s", rec.Code, rec.Body.String())
			}
		}

		got := map[string]int{}
		for _, e := range f.evenements("dreets", path+"/evenements") {
			if e.Objet == "amenagement" {
				got[e.Action]++
				if e.CandidatID != lefevre {
					t.Errorf("event %s names candidat %s", e.Action, e.CandidatID)
				}
			}
		}
		if got["amenagement_accorde"] != 3 || got["amenagement_modifie"] != 1 || got["amenagement_retire"] != 1 {
			t.Errorf("trail of the aménagements: %v", got)
		}
	})
}
