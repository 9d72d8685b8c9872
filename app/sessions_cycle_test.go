package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestSessionLifecycle: planifiée → déclarée → tenue → délibérée → validée,
// each step only from the one before (409 transition_interdite otherwise),
// the declaration only with a complete, habilitated jury.
func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		s := f.session("titre", nil, "2026-11-30", "2026-12-01")
		in := f.enrol(s.ID, lefevre, nil)

		bad := func(as, action string) {
			t.Helper()
			wantCode(t, f.as(as, "POST", sessionPath(s.ID, action), nil), http.StatusConflict, "transition_interdite")
		}
		// Planifiée.
		bad("dreets", "validation")
		bad("centre", "tenue")
		bad("jury1", "signature")
		wantCode(t, f.as("jury1", "PUT", presencePath(s.ID, in.ID), map[string]any{"presence": "present"}, ifMatch(in.Version)),
			http.StatusConflict, "session_non_tenue")
		// Déclarée.
		if got := f.step("centre", s.ID, "declaration", http.StatusOK); got.Statut != "declaree" {
			t.Fatalf("statut = %s", got.Statut)
		}
		bad("centre", "declaration")
		bad("jury1", "signature")
		bad("dreets", "validation")
		wantCode(t, f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("acquis", true)), http.StatusConflict, "session_non_tenue")
		// Not before its first day.
		wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "tenue"), nil), http.StatusConflict, "session_pas_commencee")
		f.later(7 * 24 * time.Hour)
		// Tenue.
		if got := f.step("centre", s.ID, "tenue", http.StatusOK); got.Statut != "tenue" {
			t.Fatalf("statut = %s", got.Statut)
		}
		bad("centre", "tenue")
		bad("centre", "declaration")
		bad("dreets", "validation")
		wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "inscriptions"), map[string]any{"candidat_id": f.candidatID("Nguyễn")}),
			http.StatusConflict, "inscriptions_closes")
		// Incomplete results cannot be signed.
		p := wantCode(t, f.as("jury1", "POST", sessionPath(s.ID, "signature"), nil), http.StatusConflict, "resultats_incomplets")
		if !strings.Contains(p.Detail, "Lefèvre") {
			t.Errorf("detail does not name the candidat: %q", p.Detail)
		}
		f.record(s, in, "jury1", true, nil)
		f.deliberate(s.ID)
		bad("centre", "tenue")
		bad("jury1", "signature")
		if got := f.step("dreets", s.ID, "validation", http.StatusOK); got.Statut != "validee" {
			t.Fatalf("statut = %s", got.Statut)
		}
		bad("dreets", "validation")
		bad("centre", "declaration")
		wantCode(t, f.as("dreets", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": "Trop tard"}),
			http.StatusConflict, "transition_interdite")
	})
}

// TestSessionJury: a jury of one member, or with a member whose
// habilitation does not cover the session, cannot be declared.
func TestSessionJury(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		seul := f.sessionWith("centre", "titre", nil, "2026-12-07", "2026-12-08", []string{f.membres["jury1"]})
		p := wantCode(t, f.as("centre", "POST", sessionPath(seul.ID, "declaration"), nil), http.StatusUnprocessableEntity, "jury_incomplet")
		if !strings.Contains(p.Detail, "R338-6") {
			t.Errorf("jury_incomplet does not cite its source: %q", p.Detail)
		}
		aucun := f.sessionWith("centre", "titre", nil, "2026-12-07", "2026-12-08", nil)
		wantCode(t, f.as("centre", "POST", sessionPath(aucun.ID, "declaration"), nil), http.StatusUnprocessableEntity, "jury_incomplet")

		// Durand's habilitation ended in June; Petit has none.
		var durand, petit struct{ ID string }
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": "Durand", "prenoms": "Hélène", "email": "helene.durand@example.fr"}),
			http.StatusCreated, &durand)
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+durand.ID+"/habilitations", map[string]any{
			"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2026-06-30", "reference": "HAB-DURAND"}), http.StatusCreated, nil)
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{"nom": "Petit", "prenoms": "Jean", "email": "jean.petit@example.fr"}),
			http.StatusCreated, &petit)
		for _, m := range []string{durand.ID, petit.ID} {
			s := f.sessionWith("centre", "titre", nil, "2026-12-07", "2026-12-08", []string{f.membres["jury1"], m})
			wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "declaration"), nil), http.StatusUnprocessableEntity, "jury_non_habilite")
			var got sessionOut
			f.ok(f.as("centre", "GET", sessionPath(s.ID), nil), http.StatusOK, &got)
			if got.Statut != "planifiee" {
				t.Errorf("refused declaration left the session %s", got.Statut)
			}
		}
		// A habilitation ending during the session does not cover it.
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+petit.ID+"/habilitations", map[string]any{
			"titre_code": "TP-00403", "debut": "2026-07-01", "fin": "2026-12-07", "reference": "HAB-PETIT"}), http.StatusCreated, nil)
		chevauche := f.sessionWith("centre", "titre", nil, "2026-12-07", "2026-12-08", []string{f.membres["jury1"], petit.ID})
		wantCode(t, f.as("centre", "POST", sessionPath(chevauche.ID, "declaration"), nil), http.StatusUnprocessableEntity, "jury_non_habilite")
		couvre := f.sessionWith("centre", "titre", nil, "2026-12-01", "2026-12-02", []string{f.membres["jury1"], petit.ID})
		f.step("centre", couvre.ID, "declaration", http.StatusOK)
		// The same member twice, or an unknown one, is refused at planning.
		wantProblem(t, f.as("centre", "POST", "/api/v1/sessions", map[string]any{
			"version_code": "TP-00403-2023", "type": "titre", "debut": "2026-12-07", "fin": "2026-12-08", "lieu": "Lyon",
			"responsable": "Sophie Garnier", "jury": []string{f.membres["jury1"], f.membres["jury1"]}}), http.StatusUnprocessableEntity, "jury[1].id")
		wantProblem(t, f.as("centre", "POST", "/api/v1/sessions", map[string]any{
			"version_code": "TP-00403-2023", "type": "titre", "debut": "2026-12-07", "fin": "2026-12-08", "lieu": "Lyon",
			"responsable": "Sophie Garnier", "jury": []string{f.membres["jury1"], nobody}}), http.StatusUnprocessableEntity, "jury[1].id")
	})
}

// TestSessionCancellation: cancelling needs a motif; a cancelled session
// refuses every later step, enrolment and result.
func TestSessionCancellation(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		s, ins := f.held(lefevre)
		in := ins[0]
		wantProblem(t, f.as("centre", "POST", sessionPath(s.ID, "annulation"), map[string]any{}), http.StatusUnprocessableEntity, "motif")
		wantProblem(t, f.as("centre", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": " \t "}), http.StatusUnprocessableEntity, "motif")
		wantCode(t, f.as("jury1", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": "x"}), http.StatusForbidden, "acces_refuse")
		wantProblem(t, f.as("centre2", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": "x"}), http.StatusNotFound, "")

		var got struct {
			Statut          string `json:"statut"`
			MotifAnnulation string `json:"motif_annulation"`
		}
		motif := "Salle indisponible (dégât des eaux)."
		f.ok(f.as("dreets", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": motif}), http.StatusOK, &got)
		if got.Statut != "annulee" || got.MotifAnnulation != motif {
			t.Fatalf("cancelled session = %+v", got)
		}
		for _, step := range []struct{ as, action string }{
			{"centre", "declaration"}, {"centre", "tenue"}, {"jury1", "signature"}, {"dreets", "validation"},
		} {
			wantCode(t, f.as(step.as, "POST", sessionPath(s.ID, step.action), nil), http.StatusConflict, "transition_interdite")
		}
		wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": motif}), http.StatusConflict, "transition_interdite")
		wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "inscriptions"), map[string]any{"candidat_id": f.candidatID("Nguyễn")}),
			http.StatusConflict, "inscriptions_closes")
		wantCode(t, f.as("jury1", "PUT", presencePath(s.ID, in.ID), map[string]any{"presence": "present"}, ifMatch(in.Version)),
			http.StatusConflict, "session_non_tenue")
		wantCode(t, f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("acquis", true)), http.StatusConflict, "session_non_tenue")
		wantCode(t, f.as("dreets", "POST", evalPath(s.ID, in.ID, "CCP1")+"/correction", map[string]any{
			"motif": "x", "decision": "acquis", "msp": true, "dossier_professionnel": true}, ifMatch(in.Version)), http.StatusConflict, "correction_prematuree")
		// The candidat may sit another session.
		s2 := f.session("titre", nil, "2026-11-30", "2026-12-01")
		f.enrol(s2.ID, lefevre, nil)
	})
}

// TestInscriptionRefusals: the rule engine's refusals reach the centre as
// 422 with the rule's code (docs/domaine.md §4.7).
func TestInscriptionRefusals(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		kowalski, popescu := f.candidatID("Kowalski"), f.candidatID("Popescu")
		enrol := func(as, sessionID, candidatID string, ccp []string) *httptest.ResponseRecorder {
			return f.as(as, "POST", sessionPath(sessionID, "inscriptions"), map[string]any{"candidat_id": candidatID, "ccp": ccp})
		}
		s := f.session("titre", nil, "2026-11-30", "2026-12-01")

		// A CCP already acquired (Kowalski declared CCP1 at registration).
		p := wantCode(t, enrol("centre", s.ID, kowalski, nil), http.StatusUnprocessableEntity, "ccp_deja_acquis")
		if !strings.Contains(p.Detail, "CCP1") {
			t.Errorf("ccp_deja_acquis detail = %q", p.Detail)
		}
		ccp := f.session("ccp", []string{"CCP1", "CCP2"}, "2026-12-14", "2026-12-14")
		wantCode(t, enrol("centre", ccp.ID, kowalski, []string{"CCP1"}), http.StatusUnprocessableEntity, "ccp_deja_acquis")
		wantCode(t, enrol("centre", ccp.ID, kowalski, []string{"CCP3"}), http.StatusUnprocessableEntity, "ccp_hors_session")
		// Another centre's candidat does not exist for this centre.
		wantProblem(t, enrol("centre", s.ID, popescu, nil), http.StatusNotFound, "")
		// Popescu has the ECF of CCP1 only: not at a session titre of his own centre.
		s2 := f.sessionWith("centre2", "titre", nil, "2026-11-30", "2026-12-01", []string{f.membres["jury1"], f.membres["jury2"]})
		p = wantCode(t, enrol("centre2", s2.ID, popescu, nil), http.StatusUnprocessableEntity, "ecf_manquants")
		if !strings.Contains(p.Detail, "CCP2, CCP3") {
			t.Errorf("ecf_manquants detail = %q", p.Detail)
		}
		wantProblem(t, enrol("centre2", s.ID, lefevre, nil), http.StatusNotFound, "")
		// Enrolled once only.
		f.enrol(s.ID, lefevre, nil)
		wantCode(t, enrol("centre", s.ID, lefevre, nil), http.StatusConflict, "deja_inscrit")
		// A session titre after the version's end of validity (2028-03-22).
		tard := f.session("titre", nil, "2028-04-10", "2028-04-11")
		p = wantCode(t, enrol("centre", tard.ID, nguyen, nil), http.StatusUnprocessableEntity, "version_hors_validite")
		if !strings.Contains(p.Detail, "22/03/2028") {
			t.Errorf("version_hors_validite detail = %q", p.Detail)
		}
		// A VAE recevabilité is valid one year from its notification (2026-06-15).
		f.later(396 * 24 * time.Hour) // 2027-12-24
		s3 := f.session("titre", nil, "2027-12-27", "2027-12-28")
		p = wantCode(t, enrol("centre", s3.ID, nguyen, nil), http.StatusUnprocessableEntity, "recevabilite_expiree")
		if !strings.Contains(p.Detail, "15/06/2027") {
			t.Errorf("recevabilite_expiree detail = %q", p.Detail)
		}
		if n := f.count("inscriptions"); n != 1 {
			t.Errorf("%d inscriptions, want 1", n)
		}
	})
}

// TestEntretienFinalFollowsEarlierSessions: a capitalisation candidat
// enrolled in advance in two sessions CCP, one per missing CCP, has its
// entretien final at the second once the first brought the other CCP —
// although at enrolment that was not yet known (docs/domaine.md §3).
func TestEntretienFinalFollowsEarlierSessions(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		kowalski := f.candidatID("Kowalski") // holds CCP1
		a := f.session("ccp", []string{"CCP2"}, "2026-11-23", "2026-11-23")
		b := f.session("ccp", []string{"CCP3"}, "2026-12-14", "2026-12-14")
		inA := f.enrol(a.ID, kowalski, []string{"CCP2"})
		inB := f.enrol(b.ID, kowalski, []string{"CCP3"})
		if inA.EntretienFinalDu || inB.EntretienFinalDu {
			t.Fatalf("at enrolment CCP2 and CCP3 are both missing: no entretien final yet (%v, %v)", inA.EntretienFinalDu, inB.EntretienFinalDu)
		}
		for _, s := range []string{a.ID, b.ID} {
			f.step("centre", s, "declaration", http.StatusOK)
		}
		f.step("centre", a.ID, "tenue", http.StatusOK)
		inA = f.presence("jury1", a.ID, inA, "present", "")
		f.decide("jury1", a.ID, inA.ID, "CCP2", "acquis", true)
		f.deliberate(a.ID)
		f.step("dreets", a.ID, "validation", http.StatusOK)

		f.later(21 * 24 * time.Hour)
		f.step("centre", b.ID, "tenue", http.StatusOK)
		if got := f.inscriptions("jury1", b.ID)[inB.ID]; !got.EntretienFinalDu {
			t.Errorf("CCP3 is now the last missing CCP: the entretien final is due at this session; inscription = %+v", got)
		}
		inB.Version = f.inscriptions("jury1", b.ID)[inB.ID].Version
		inB = f.presence("jury2", b.ID, inB, "present", "favorable")
		f.decide("jury2", b.ID, inB.ID, "CCP3", "acquis", true)
		f.deliberate(b.ID)
		if d := f.dossierFull("centre", kowalski); d.Situation == nil || d.Situation.Issue != "titre" {
			t.Fatalf("Kowalski's situation = %+v", d.Situation)
		}
	})
}
