package app_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestStoryVAEPartielPuisCapitalisation: Nguyễn, in VAE, sits a session
// titre and acquires CCP1 and CCP3 but not CCP2 (partial success, livret
// deadline at the end of validity); months later, with a new recevabilité
// naming a session CCP, she sits CCP2 alone with the entretien final and
// obtains the titre, the earlier CCP counting (docs/domaine.md §3, §4.2, §4.3).
func TestStoryVAEPartielPuisCapitalisation(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		nguyen := f.candidatID("Nguyễn")

		s1 := f.session("titre", nil, "2026-11-23", "2026-11-24")
		f.step("centre", s1.ID, "declaration", http.StatusOK)
		in := f.enrol(s1.ID, nguyen, nil)
		if !in.EntretienFinalDu || !slices.Equal(in.CCP, []string{"CCP1", "CCP2", "CCP3"}) {
			t.Fatalf("inscription = %+v", in)
		}
		f.step("centre", s1.ID, "tenue", http.StatusOK)
		in = f.presence("jury1", s1.ID, in, "present", "favorable")

		// A « non acquis » must be motivated.
		sansMotifs := evaluation("non_acquis", false)
		delete(sansMotifs, "motifs")
		wantProblem(t, f.as("jury1", "PUT", evalPath(s1.ID, in.ID, "CCP2"), sansMotifs), http.StatusUnprocessableEntity, "motifs")

		// ECF taken into account for a VAE candidat: refused when recorded.
		p := wantCode(t, f.as("jury1", "PUT", evalPath(s1.ID, in.ID, "CCP1"), evaluation("acquis", true)), http.StatusUnprocessableEntity, "ecf_vae")
		if !strings.Contains(p.Detail, "CCP1") {
			t.Errorf("ecf_vae detail does not name CCP1: %q", p.Detail)
		}
		rec := f.as("jury1", "PUT", evalPath(s1.ID, in.ID, "CCP1"), evaluation("non_acquis", false))
		f.ok(rec, http.StatusOK, nil)
		if et := rec.Header().Get("ETag"); et != `"1"` {
			t.Fatalf("first recording ETag = %q, want \"1\"", et)
		}
		f.decide("jury1", s1.ID, in.ID, "CCP2", "non_acquis", false)
		f.decide("jury2", s1.ID, in.ID, "CCP3", "acquis", false)
		// The jury changes its record, on the version it read.
		var ev evaluationOut
		f.ok(f.as("jury1", "PUT", evalPath(s1.ID, in.ID, "CCP1"), evaluation("acquis", false), ifMatch(1)), http.StatusOK, &ev)
		if ev.Version != 2 || ev.ECF {
			t.Fatalf("corrected CCP1 = %+v", ev)
		}
		f.deliberate(s1.ID)
		f.step("dreets", s1.ID, "validation", http.StatusOK)

		d := f.dossierFull("centre", nguyen)
		sit := d.Situation
		if sit == nil || sit.Issue != "partiel" || !slices.Equal(sit.CCPManquants, []string{"CCP2"}) || str(sit.DateLimite) != "2028-03-22" {
			t.Fatalf("situation after the session titre = %+v", sit)
		}
		for _, c := range []string{"CCP1", "CCP3"} {
			if a := sit.acquis(c); a == nil || a.Origine != "session" || a.Session != s1.ID || a.Date != "2026-11-24" || !a.Compte {
				t.Errorf("%s acquired = %+v", c, a)
			}
		}
		if sit.acquis("CCP2") != nil {
			t.Errorf("CCP2 listed as acquired: %+v", sit.CCPAcquis)
		}
		if sit.regle("vae_sans_ecf") == "" || !strings.Contains(sit.regle("ccp_non_acquis"), "techniques d'entretien") ||
			!strings.Contains(sit.regle("date_limite"), "22/03/2028") {
			t.Errorf("explanation = %+v", sit.Explication)
		}
		pass := d.Sessions[0]
		if pass.Inscription.NomNaissance != "Nguyễn" {
			t.Errorf("the dossier's enrolment names %q, want Nguyễn", pass.Inscription.NomNaissance)
		}
		if str(pass.Inscription.Issue) != "partiel" || str(pass.Inscription.DateLimite) != "2028-03-22" ||
			str(pass.Inscription.NotifieLe) != "2026-11-23" || str(pass.RecoursJusquau) != "2027-01-23" {
			t.Errorf("passage = %+v, recours %s", pass.Inscription, str(pass.RecoursJusquau))
		}
		if !strings.Contains(d.ProchaineEtape, "CCP2") || !strings.Contains(d.ProchaineEtape, "22/03/2028") {
			t.Errorf("prochaine étape = %q", d.ProchaineEtape)
		}

		// Some months later: a session CCP for CCP2.
		f.later(112 * 24 * time.Hour) // 2027-03-15
		s2 := f.session("ccp", []string{"CCP2"}, "2027-03-15", "2027-03-15")
		enrol := map[string]any{"candidat_id": nguyen, "ccp": []string{"CCP2"}}

		// The partial success is the ground for the missing CCP: no new
		// recevabilité is needed. The centre may still record one.
		cur, rec := f.getCandidat("centre", nguyen)
		body := candidatAsRequest(t, rec)
		body["recevabilite"] = map[string]any{"date_notification": "2027-03-01", "reference": "VAE-69-2027-0088",
			"ddets": "DDETS du Rhône", "mois_experience": 40, "type_session": "ccp"}
		wantCode(t, f.as("centre", "PUT", "/api/v1/candidats/"+nguyen, body), http.StatusPreconditionRequired, "if_match_requis")
		f.ok(f.as("centre", "PUT", "/api/v1/candidats/"+nguyen, body, "If-Match: "+rec.Header().Get("ETag")), http.StatusOK, nil)
		wantCode(t, f.as("centre", "PUT", "/api/v1/candidats/"+nguyen, body, ifMatch(cur.Version)), http.StatusPreconditionFailed, "version_perimee")

		var in2 inscriptionOut
		f.ok(f.as("centre", "POST", sessionPath(s2.ID, "inscriptions"), enrol), http.StatusCreated, &in2)
		if !in2.EntretienFinalDu || !slices.Equal(in2.CCP, []string{"CCP2"}) {
			t.Fatalf("CCP2 completes the titre: the entretien final is due; inscription = %+v", in2)
		}
		f.step("centre", s2.ID, "declaration", http.StatusOK)
		f.step("centre", s2.ID, "tenue", http.StatusOK)
		in2 = f.presence("jury2", s2.ID, in2, "present", "favorable")
		f.decide("jury1", s2.ID, in2.ID, "CCP2", "acquis", false)
		f.deliberate(s2.ID)
		f.step("dreets", s2.ID, "validation", http.StatusOK)

		d = f.dossierFull("centre", nguyen)
		sit = d.Situation
		if sit == nil || sit.Issue != "titre" || len(sit.CCPManquants) != 0 || sit.DateLimite != nil || sit.SessionReference != s2.Reference {
			t.Fatalf("situation after the session CCP = %+v", sit)
		}
		want := map[string]struct{ origine, session, date string }{
			"CCP1": {"session_anterieure", s1.ID, "2026-11-24"},
			"CCP2": {"session", s2.ID, "2027-03-15"},
			"CCP3": {"session_anterieure", s1.ID, "2026-11-24"},
		}
		if len(sit.CCPAcquis) != 3 {
			t.Fatalf("ccp acquis = %+v", sit.CCPAcquis)
		}
		for c, w := range want {
			if a := sit.acquis(c); a == nil || a.Origine != w.origine || a.Session != w.session || a.Date != w.date || !a.Compte {
				t.Errorf("%s = %+v, want %+v", c, a, w)
			}
		}
		if sit.regle("titre_obtenu") == "" || sit.regle("ccp_capitalise") == "" {
			t.Errorf("explanation = %+v", sit.Explication)
		}
		// The first session keeps its own outcome.
		if len(d.Sessions) != 2 || d.Sessions[0].Resultat == nil || d.Sessions[0].Resultat.Issue != "partiel" {
			t.Errorf("sessions = %+v", d.Sessions)
		}
	})
}

// candidatAsRequest turns a GET /candidats/:id answer into a PUT body: the
// same fields, without those the server owns.
func candidatAsRequest(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	mustJSON(t, rec, &m)
	for _, k := range []string{"id", "centre_id", "archive_le", "version", "cree_le", "modifie_le"} {
		delete(m, k)
	}
	return m
}

// TestStoryLienJury: a jury member may not evaluate a candidat it declared
// a link with (docs/domaine.md §5); the other member may. A centre declares links
// for its own candidats only.
func TestStoryLienJury(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen, popescu := f.candidatID("Lefèvre"), f.candidatID("Nguyễn"), f.candidatID("Popescu")

		var l struct {
			ID         string `json:"id"`
			MembreID   string `json:"membre_id"`
			CandidatID string `json:"candidat_id"`
			Nature     string `json:"nature"`
		}
		f.ok(f.as("jury1", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury1"], "candidat_id": lefevre, "nature": "formateur"}), http.StatusCreated, &l)
		if l.MembreID != f.membres["jury1"] || l.CandidatID != lefevre || l.Nature != "formateur" || l.ID == "" {
			t.Fatalf("lien = %+v", l)
		}
		// Declaring it again is harmless: the same link.
		var again struct{ ID string }
		f.ok(f.as("jury1", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury1"], "candidat_id": lefevre, "nature": "formateur"}), http.StatusCreated, &again)
		if again.ID != l.ID {
			t.Errorf("second declaration made a new link %s, want %s", again.ID, l.ID)
		}
		// A member declares its own links only.
		wantCode(t, f.as("jury1", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury2"], "candidat_id": lefevre, "nature": "tuteur"}), http.StatusUnprocessableEntity, "lien_autre_membre")
		// The centre declares a link for one of its candidats…
		f.ok(f.as("centre", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury2"], "candidat_id": nguyen, "nature": "employeur"}), http.StatusCreated, nil)
		// …not for another centre's, which it cannot see.
		wantProblem(t, f.as("centre", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury2"], "candidat_id": popescu, "nature": "tuteur"}), http.StatusNotFound, "")
		wantProblem(t, f.as("centre", "POST", "/api/v1/liens", map[string]any{
			"membre_id": nobody, "candidat_id": nguyen, "nature": "tuteur"}), http.StatusNotFound, "")
		wantProblem(t, f.as("centre", "POST", "/api/v1/liens", map[string]any{
			"membre_id": f.membres["jury2"], "candidat_id": nguyen, "nature": "voisin"}), http.StatusUnprocessableEntity, "nature")
		if n := f.count("liens"); n != 2 {
			t.Errorf("%d liens, want 2", n)
		}

		s, ins := f.held(lefevre, nguyen)
		inL, inN := ins[0], ins[1]
		// jury1 trained Lefèvre: neither presence nor decision.
		wantCode(t, f.as("jury1", "PUT", presencePath(s.ID, inL.ID), map[string]any{"presence": "present", "entretien_final": "favorable"},
			ifMatch(inL.Version)), http.StatusUnprocessableEntity, "lien_avec_candidat")
		p := wantCode(t, f.as("jury1", "PUT", evalPath(s.ID, inL.ID, "CCP1"), evaluation("acquis", true)), http.StatusUnprocessableEntity, "lien_avec_candidat")
		if !strings.Contains(p.Detail, "formateur") {
			t.Errorf("detail does not name the link: %q", p.Detail)
		}
		// jury2 employs Nguyễn (declared by the centre): the same, the other way round.
		wantCode(t, f.as("jury2", "PUT", evalPath(s.ID, inN.ID, "CCP1"), evaluation("acquis", false)), http.StatusUnprocessableEntity, "lien_avec_candidat")
		wantCode(t, f.as("jury2", "PUT", presencePath(s.ID, inN.ID), map[string]any{"presence": "present"},
			ifMatch(inN.Version)), http.StatusUnprocessableEntity, "lien_avec_candidat")
		if n := f.count("evaluations"); n != 0 {
			t.Fatalf("%d evaluations recorded by a member with a link", n)
		}
		// The member without a link records them.
		inL = f.record(s, inL, "jury2", true, nil)
		inN = f.record(s, inN, "jury1", false, nil)
		var moi struct{ ID string }
		mustJSON(t, f.as("jury2", "GET", "/api/v1/moi", nil), &moi)
		got := f.inscriptions("jury1", s.ID)[inL.ID]
		if str(got.Presence) != "present" || len(got.Evaluations) != 3 {
			t.Fatalf("Lefèvre's results = %+v", got)
		}
		for _, e := range got.Evaluations {
			if e.SaisiPar != moi.ID {
				t.Errorf("%s recorded by %s, want jury2 %s", e.CCP, e.SaisiPar, moi.ID)
			}
		}
		// Once recorded, jury1 still may not change Lefèvre's.
		wantCode(t, f.as("jury1", "PUT", evalPath(s.ID, inL.ID, "CCP1"), evaluation("non_acquis", true), ifMatch(1)),
			http.StatusUnprocessableEntity, "lien_avec_candidat")
	})
}

// TestCandidatSeesOnlyValidatedResults: before the PV is validated the
// candidat sees its enrolment and nothing of the jury's work or outcome;
// after, everything. It never sees another candidat nor the sessions.
func TestCandidatSeesOnlyValidatedResults(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		s, ins := f.held(lefevre, nguyen)
		in := ins[0]

		hidden := func(when string) {
			t.Helper()
			d := f.dossierFull("candidat", lefevre)
			if d.Situation != nil || len(d.Sessions) != 1 {
				t.Fatalf("%s: dossier = %+v", when, d)
			}
			p := d.Sessions[0]
			if p.Resultat != nil || p.Inscription.Presence != nil || p.Inscription.EntretienFinal != nil || len(p.Inscription.Evaluations) != 0 ||
				p.Inscription.Issue != nil || p.Inscription.DateLimite != nil || p.Inscription.NotifieLe != nil || p.RecoursJusquau != nil {
				t.Errorf("%s: the candidat sees results: %+v", when, p)
			}
			for _, leak := range []string{"non_acquis", "partiel", "2028-03-22", "techniques d'entretien"} {
				if strings.Contains(d.raw, leak) {
					t.Errorf("%s: the dossier mentions %q: %s", when, leak, d.raw)
				}
			}
			if !strings.Contains(d.ProchaineEtape, "attente") {
				t.Errorf("%s: prochaine étape = %q", when, d.ProchaineEtape)
			}
		}
		hidden("enrolled")
		f.record(s, in, "jury1", true, map[string]string{"CCP2": "non_acquis"})
		f.record(s, ins[1], "jury2", false, nil)
		hidden("recorded")
		f.step("jury1", s.ID, "signature", http.StatusOK)
		hidden("signed once")
		f.step("jury2", s.ID, "signature", http.StatusOK)
		hidden("deliberated")
		if d := f.dossierFull("centre", lefevre); d.Situation == nil || d.Situation.Issue != "partiel" {
			t.Fatalf("the centre sees the outcome once deliberated: %+v", d.Situation)
		}

		f.step("dreets", s.ID, "validation", http.StatusOK)
		d := f.dossierFull("candidat", lefevre)
		if d.Situation == nil || d.Situation.Issue != "partiel" || !slices.Equal(d.Situation.CCPManquants, []string{"CCP2"}) ||
			str(d.Situation.DateLimite) != "2028-03-22" {
			t.Fatalf("after validation: situation = %+v", d.Situation)
		}
		p := d.Sessions[0]
		if str(p.Inscription.Issue) != "partiel" || str(p.Inscription.Presence) != "present" || len(p.Inscription.Evaluations) != 3 ||
			str(p.Inscription.NotifieLe) != "2026-11-23" || str(p.RecoursJusquau) != "2027-01-23" || p.Resultat == nil {
			t.Errorf("after validation: passage = %+v", p)
		}
		if e := p.Inscription.evaluation("CCP2"); e == nil || e.Decision != "non_acquis" || e.Motifs == "" {
			t.Errorf("CCP2 decision = %+v", e)
		}

		// Never another candidat's dossier, nor the sessions.
		wantProblem(t, f.as("candidat", "GET", "/api/v1/candidats/"+nguyen+"/parcours", nil), http.StatusNotFound, "")
		wantProblem(t, f.as("candidat", "GET", "/api/v1/candidats/"+nguyen, nil), http.StatusNotFound, "")
		for _, path := range []string{"/api/v1/sessions", sessionPath(s.ID), sessionPath(s.ID, "inscriptions"), sessionPath(s.ID, "evenements"),
			"/api/v1/candidats/" + lefevre + "/evenements"} {
			wantCode(t, f.as("candidat", "GET", path, nil), http.StatusForbidden, "acces_refuse")
		}
	})
}

// TestAuditTrailOfACandidat: the formation story leaves, in the candidat's
// audit trail, who enrolled it, recorded its presence and decisions, signed
// the PV and derived the outcome, and when. Autorité and admin only.
func TestAuditTrailOfACandidat(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		s, ins := f.held(lefevre, nguyen)
		f.record(s, ins[0], "jury1", true, nil)
		f.record(s, ins[1], "jury2", false, nil)
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)

		users := map[string]string{}
		for _, acc := range []string{"centre", "jury1", "jury2", "dreets"} {
			var moi struct{ ID string }
			mustJSON(t, f.as(acc, "GET", "/api/v1/moi", nil), &moi)
			users[moi.ID] = acc
		}
		for _, as := range []string{"dreets", "admin"} {
			evs := f.evenements(as, "/api/v1/candidats/"+lefevre+"/evenements")
			count := map[string]int{}
			for _, e := range evs {
				count[e.Action]++
				if e.CandidatID != "" && e.CandidatID != lefevre {
					t.Errorf("%s: event of another candidat in Lefèvre's trail: %+v", as, e)
				}
				if e.SessionID != "" && e.SessionID != s.ID {
					t.Errorf("%s: event of another session: %+v", as, e)
				}
				le, err := time.Parse(time.RFC3339Nano, e.Le)
				if err != nil || !le.Equal(certtest.Now) || e.Role == "" || e.UtilisateurID == "" {
					t.Errorf("%s: event without time, role or author: %+v", as, e)
				}
				want := map[string]string{"inscription": "centre", "evaluation": "jury", "presence": "jury", "pv_signe": "jury", "issue": "jury"}[e.Action]
				if want != "" && e.Role != want {
					t.Errorf("%s: %s by role %s, want %s", as, e.Action, e.Role, want)
				}
			}
			want := map[string]int{"inscription": 1, "presence": 1, "evaluation": 3, "pv_signe": 2, "issue": 1}
			for action, n := range want {
				if count[action] != n {
					t.Errorf("%s: %d %s events, want %d (all: %v)", as, count[action], action, n, count)
				}
			}
			var signers []string
			for _, e := range evs {
				if e.Action == "pv_signe" {
					signers = append(signers, users[e.UtilisateurID])
				}
			}
			if slices.Sort(signers); !slices.Equal(signers, []string{"jury1", "jury2"}) {
				t.Errorf("%s: PV signed by %v", as, signers)
			}
		}
		for _, as := range []string{"centre", "jury1", "candidat"} {
			wantCode(t, f.as(as, "GET", "/api/v1/candidats/"+lefevre+"/evenements", nil), http.StatusForbidden, "acces_refuse")
		}
	})
}
