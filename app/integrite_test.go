package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestRetraitEtDeclarationTardive: through the API, a second enrolment for
// the same CCP is refused until the first is withdrawn; a session already
// begun is declared only by the autorité, with a reason.
func TestRetraitEtDeclarationTardive(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.formationCandidat("Retiré")
		s1 := f.session("titre", nil, "2026-12-07", "2026-12-07")
		s2 := f.session("titre", nil, "2026-12-14", "2026-12-14")
		in := f.enrol(s1.ID, c, nil)
		wantCode(t, f.as("centre", "POST", sessionPath(s2.ID, "inscriptions"), map[string]any{"candidat_id": c}),
			http.StatusUnprocessableEntity, "double_inscription")
		retrait := sessionPath(s1.ID, "inscriptions", in.ID, "retrait")
		wantProblem(t, f.as("centre", "POST", retrait, map[string]any{}), http.StatusUnprocessableEntity, "motif")
		wantCode(t, f.as("centre2", "POST", retrait, map[string]any{"motif": "Erreur"}), http.StatusNotFound, "introuvable")
		if rec := f.as("centre", "POST", retrait, map[string]any{"motif": "Le candidat a déménagé."}); rec.Code != http.StatusNoContent {
			t.Fatalf("withdrawal answered %d %s", rec.Code, rec.Body)
		}
		f.enrol(s2.ID, c, nil)

		past := f.session("titre", nil, "2026-11-20", "2026-11-20")
		wantCode(t, f.as("centre", "POST", sessionPath(past.ID, "declaration"), nil), http.StatusUnprocessableEntity, "declaration_tardive")
		wantCode(t, f.as("centre", "POST", sessionPath(past.ID, "regularisation"), map[string]any{"motif": "Oubli"}), http.StatusForbidden, "acces_refuse")
		var got sessionOut
		f.ok(f.as("dreets", "POST", sessionPath(past.ID, "regularisation"), map[string]any{"motif": "Déclaration reçue par courrier le 18/11."}),
			http.StatusOK, &got)
		if got.Statut != "declaree" {
			t.Errorf("after the régularisation the session is %s, want declaree", got.Statut)
		}
		wantCode(t, f.as("dreets-pdl", "POST", sessionPath(past.ID, "regularisation"), map[string]any{"motif": "x"}), http.StatusNotFound, "introuvable")
	})
}

// TestRectificationIdentite: after deliberation the centre can no longer
// rewrite the civil identity; the autorité rectifies it, on the version it
// read, with a reason and a supporting document.
func TestRectificationIdentite(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		c := f.formationCandidat("Figé")
		s, ins := f.held(c)
		f.record(s, ins[0], "jury1", true, nil)
		f.deliberate(s.ID)

		cur, rec := f.getCandidat("centre", c)
		body := candidatAsRequest(t, rec)
		body["nom_naissance"] = "Figée"
		wantCode(t, f.as("centre", "PUT", "/api/v1/candidats/"+c, body, ifMatch(cur.Version)), http.StatusConflict, "identite_verrouillee")

		path := "/api/v1/candidats/" + c + "/rectification-identite"
		rect := map[string]any{"nom_naissance": "Figée", "prenoms": cur.Prenoms, "date_naissance": cur.DateNaissance,
			"lieu_naissance": cur.LieuNaissance, "motif": "Erreur de transcription.", "piece_justificative": "Acte de naissance n° 1147"}
		wantCode(t, f.as("dreets", "POST", path, rect), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("dreets", "POST", path, rect, ifMatch(cur.Version+1)), http.StatusPreconditionFailed, "version_perimee")
		wantCode(t, f.as("dreets-pdl", "POST", path, rect, ifMatch(cur.Version)), http.StatusNotFound, "introuvable")
		var out candidatOut
		f.ok(f.as("dreets", "POST", path, rect, ifMatch(cur.Version)), http.StatusOK, &out)
		if out.NomNaissance != "Figée" || out.Version != cur.Version+1 {
			t.Errorf("after the rectification: %s at version %d, want Figée at %d", out.NomNaissance, out.Version, cur.Version+1)
		}
		// The search follows the rectified name.
		if got := noms(f.listCandidats("centre", "?nom=FIGEE")); !got["Figée"] {
			t.Errorf("nom=FIGEE after the rectification: %v", got)
		}
	})
}
