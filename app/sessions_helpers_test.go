package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/fixtures"
)

// Helpers shared by the session stories, on top of flow (sessions_test.go).

// later moves the clock forward and logs every demo account in again: the
// tokens of before have expired.
func (f *flow) later(d time.Duration) {
	f.t.Helper()
	f.advance(d)
	for _, acc := range fixtures.DemoComptes {
		f.tokens[acc.Identifiant] = f.login(acc.Identifiant, acc.MotDePasse)
	}
}

func sessionPath(sessionID string, rest ...string) string {
	p := "/api/v1/sessions/" + sessionID
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

func evalPath(sessionID, inscriptionID, ccp string) string {
	return sessionPath(sessionID, "inscriptions", inscriptionID, "evaluations", ccp)
}

func presencePath(sessionID, inscriptionID string) string {
	return sessionPath(sessionID, "inscriptions", inscriptionID, "presence")
}

func ifMatch(version int) string { return fmt.Sprintf(`If-Match: "%d"`, version) }

// sessionWith plans a session as any centre account, with any jury.
func (f *flow) sessionWith(centre, typ string, ccp []string, debut, fin string, jury []string) sessionOut {
	f.t.Helper()
	var s sessionOut
	f.ok(f.as(centre, "POST", "/api/v1/sessions", map[string]any{
		"version_code": "TP-00403-2023", "type": typ, "ccp": ccp, "debut": debut, "fin": fin,
		"lieu": "Nantes, salle Loire", "responsable": "Paul Lemoine", "jury": jury}), http.StatusCreated, &s)
	return s
}

// held plans a session titre today, enrols the candidats and holds it.
// formationCandidat registers a formation candidat with ECF for every CCP.
func (f *flow) formationCandidat(nom string) string {
	f.t.Helper()
	body := candidatBody(nom)
	body["ecf"] = []any{
		map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20"},
		map[string]any{"ccp": "CCP2", "date_evaluation": "2026-06-12"},
		map[string]any{"ccp": "CCP3", "date_evaluation": "2026-09-11"},
	}
	return f.createCandidat("centre", body).ID
}

// together sends the requests at the same instant, each from its own
// goroutine, and returns their answers in order.
func (f *flow) together(calls ...func() *httptest.ResponseRecorder) []*httptest.ResponseRecorder {
	out := make([]*httptest.ResponseRecorder, len(calls))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = call()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func (f *flow) held(candidats ...string) (sessionOut, []inscriptionOut) {
	f.t.Helper()
	today := f.clock().Format("2006-01-02")
	tomorrow := f.clock().AddDate(0, 0, 1).Format("2006-01-02")
	s := f.session("titre", nil, today, tomorrow)
	var ins []inscriptionOut
	for _, c := range candidats {
		ins = append(ins, f.enrol(s.ID, c, nil))
	}
	f.step("centre", s.ID, "declaration", http.StatusOK)
	f.step("centre", s.ID, "tenue", http.StatusOK)
	return s, ins
}

// record gives a formation candidat present at a held session titre a
// favourable entretien final and the decisions (CCP → decision).
func (f *flow) record(s sessionOut, in inscriptionOut, as string, ecf bool, decisions map[string]string) inscriptionOut {
	f.t.Helper()
	in = f.presence(as, s.ID, in, "present", "favorable")
	for _, c := range in.CCP {
		d := decisions[c]
		if d == "" {
			d = "acquis"
		}
		f.decide(as, s.ID, in.ID, c, d, ecf)
	}
	return in
}

// deliberate has both jury members sign the PV.
func (f *flow) deliberate(sessionID string) {
	f.t.Helper()
	f.step("jury1", sessionID, "signature", http.StatusOK)
	if got := f.step("jury2", sessionID, "signature", http.StatusOK); got.Statut != "deliberee" {
		f.t.Fatalf("after both signatures: %s, want deliberee", got.Statut)
	}
}

// wantCode checks an error answer and its code.
func wantCode(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) problem {
	t.Helper()
	p := wantProblem(t, rec, status, "")
	if p.Code != code {
		t.Fatalf("code = %q, want %q (status %d, detail %q)", p.Code, code, status, p.Detail)
	}
	return p
}

type evaluationOut struct {
	CCP      string `json:"ccp"`
	Decision string `json:"decision"`
	Motifs   string `json:"motifs"`
	ECF      bool   `json:"ecf_pris_en_compte"`
	SaisiPar string `json:"saisi_par"`
	Version  int    `json:"version"`
}

type inscriptionFull struct {
	ID               string          `json:"id"`
	CandidatID       string          `json:"candidat_id"`
	NomNaissance     string          `json:"nom_naissance"`
	CCP              []string        `json:"ccp"`
	EntretienFinalDu bool            `json:"entretien_final_du"`
	Presence         *string         `json:"presence"`
	EntretienFinal   *string         `json:"entretien_final"`
	Evaluations      []evaluationOut `json:"evaluations"`
	Issue            *string         `json:"issue"`
	DateLimite       *string         `json:"date_limite"`
	NotifieLe        *string         `json:"notifie_le"`
	Version          int             `json:"version"`
}

func (in inscriptionFull) evaluation(ccp string) *evaluationOut {
	for i := range in.Evaluations {
		if in.Evaluations[i].CCP == ccp {
			return &in.Evaluations[i]
		}
	}
	return nil
}

// inscriptions lists a session's enrolments as an account sees them.
func (f *flow) inscriptions(as, sessionID string) map[string]inscriptionFull {
	f.t.Helper()
	var out struct{ Inscriptions []inscriptionFull }
	f.ok(f.as(as, "GET", sessionPath(sessionID, "inscriptions"), nil), http.StatusOK, &out)
	m := map[string]inscriptionFull{}
	for _, in := range out.Inscriptions {
		m[in.ID] = in
	}
	return m
}

type acquisOut struct {
	CCP     string `json:"ccp"`
	Origine string `json:"origine"`
	Session string `json:"session"`
	Date    string `json:"date"`
	Compte  bool   `json:"compte"`
}

type resultatOut struct {
	Issue            string      `json:"issue"`
	CCPAcquis        []acquisOut `json:"ccp_acquis"`
	CCPManquants     []string    `json:"ccp_manquants"`
	DateLimite       *string     `json:"date_limite"`
	EntretienFinalDu bool        `json:"entretien_final_du"`
	Explication      []struct {
		Code   string `json:"code"`
		Source string `json:"source"`
		Detail string `json:"detail"`
	} `json:"explication"`
}

func (r resultatOut) acquis(ccp string) *acquisOut {
	for i := range r.CCPAcquis {
		if r.CCPAcquis[i].CCP == ccp {
			return &r.CCPAcquis[i]
		}
	}
	return nil
}

func (r resultatOut) regle(code string) string {
	for _, e := range r.Explication {
		if e.Code == code {
			return e.Detail
		}
	}
	return ""
}

type dossierFull struct {
	Situation *struct {
		SessionReference string `json:"session_reference"`
		resultatOut
		Comptent map[string]bool `json:"comptent_aujourd_hui"`
	} `json:"situation"`
	ProchaineEtape string `json:"prochaine_etape"`
	Sessions       []struct {
		Session struct {
			ID        string `json:"id"`
			Reference string `json:"reference"`
			Statut    string `json:"statut"`
		} `json:"session"`
		Inscription    inscriptionFull `json:"inscription"`
		Resultat       *resultatOut    `json:"resultat"`
		RecoursJusquau *string         `json:"recours_jusqu_au"`
	} `json:"sessions"`
	raw string
}

func (f *flow) dossierFull(as, candidatID string) dossierFull {
	f.t.Helper()
	var d dossierFull
	rec := f.as(as, "GET", "/api/v1/candidats/"+candidatID+"/parcours", nil)
	f.ok(rec, http.StatusOK, &d)
	d.raw = rec.Body.String()
	return d
}

type evenementOut struct {
	ID            string          `json:"id"`
	Le            string          `json:"le"`
	UtilisateurID string          `json:"utilisateur_id"`
	Role          string          `json:"role"`
	Action        string          `json:"action"`
	Objet         string          `json:"objet"`
	ObjetID       string          `json:"objet_id"`
	SessionID     string          `json:"session_id"`
	CandidatID    string          `json:"candidat_id"`
	Avant         json.RawMessage `json:"avant"`
	Apres         json.RawMessage `json:"apres"`
}

func (f *flow) evenements(as, path string) []evenementOut {
	f.t.Helper()
	var out struct{ Evenements []evenementOut }
	f.ok(f.as(as, "GET", path, nil), http.StatusOK, &out)
	return out.Evenements
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
