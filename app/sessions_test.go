package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// flow drives sessions through the API as the demo accounts.
type flow struct {
	*api
	t       *testing.T
	membres map[string]string // jury account → membre id
}

func newFlow(t *testing.T, db *certification.DB) *flow {
	return flowOn(t, newAPI(t, db))
}

// flowOn finds the jury members of jury1 and jury2, creating and
// habilitating them if the data set has none.
func flowOn(t *testing.T, a *api) *flow {
	f := &flow{api: a, t: t, membres: map[string]string{}}
	var existing struct {
		Membres []struct {
			ID            string `json:"id"`
			UtilisateurID string `json:"utilisateur_id"`
		}
	}
	f.ok(f.as("dreets", "GET", "/api/v1/jury/membres", nil), http.StatusOK, &existing)
	for _, acc := range []string{"jury1", "jury2"} {
		var moi struct{ ID, Nom string }
		mustJSON(t, f.as(acc, "GET", "/api/v1/moi", nil), &moi)
		for _, m := range existing.Membres {
			if m.UtilisateurID == moi.ID {
				f.membres[acc] = m.ID
			}
		}
		if f.membres[acc] != "" {
			continue // the demo data set already has this member
		}
		nom, prenoms, _ := strings.Cut(moi.Nom, " ")
		var m struct{ ID string }
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{
			"nom": prenoms, "prenoms": nom, "email": acc + "@example.fr", "utilisateur_id": moi.ID}), http.StatusCreated, &m)
		f.ok(f.as("dreets", "POST", "/api/v1/jury/membres/"+m.ID+"/habilitations", map[string]any{
			"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2028-12-31", "reference": "HAB-" + acc}), http.StatusCreated, nil)
		f.membres[acc] = m.ID
	}
	return f
}

// ok checks the status and decodes the body into v when v is not nil.
func (f *flow) ok(rec *httptest.ResponseRecorder, status int, v any) {
	f.t.Helper()
	if rec.Code != status {
		f.t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if v != nil {
		mustJSON(f.t, rec, v)
	}
}

type sessionOut struct {
	ID, Reference, Statut string
	CCP                   []string
	Jury                  []struct {
		MembreID string     `json:"membre_id"`
		SigneLe  *time.Time `json:"signe_le"`
	}
}

type inscriptionOut struct {
	ID               string
	CCP              []string
	EntretienFinalDu bool `json:"entretien_final_du"`
	Presence         *string
	Issue            *string
	Version          int
	Evaluations      []struct {
		CCP, Decision string
		Version       int
	}
}

func (f *flow) session(typ string, ccp []string, debut, fin string) sessionOut {
	f.t.Helper()
	var s sessionOut
	f.ok(f.as("centre", "POST", "/api/v1/sessions", map[string]any{
		"version_code": "TP-00403-2023", "type": typ, "ccp": ccp, "debut": debut, "fin": fin,
		"lieu": "Lyon, salle Rhône", "responsable": "Sophie Garnier",
		"jury": []string{f.membres["jury1"], f.membres["jury2"]}}), http.StatusCreated, &s)
	return s
}

func (f *flow) step(as, sessionID, action string, status int) sessionOut {
	f.t.Helper()
	var s sessionOut
	f.ok(f.as(as, "POST", "/api/v1/sessions/"+sessionID+"/"+action, nil), status, &s)
	return s
}

func (f *flow) enrol(sessionID, candidatID string, ccp []string) inscriptionOut {
	f.t.Helper()
	var in inscriptionOut
	f.ok(f.as("centre", "POST", "/api/v1/sessions/"+sessionID+"/inscriptions",
		map[string]any{"candidat_id": candidatID, "ccp": ccp}), http.StatusCreated, &in)
	return in
}

func (f *flow) presence(as, sessionID string, in inscriptionOut, presence, ef string) inscriptionOut {
	f.t.Helper()
	body := map[string]any{"presence": presence}
	if ef != "" {
		body["entretien_final"] = ef
	}
	var out inscriptionOut
	f.ok(f.as(as, "PUT", "/api/v1/sessions/"+sessionID+"/inscriptions/"+in.ID+"/presence", body,
		fmt.Sprintf(`If-Match: "%d"`, in.Version)), http.StatusOK, &out)
	return out
}

func evaluation(decision string, ecf bool) map[string]any {
	e := map[string]any{"decision": decision, "msp": true, "entretien_technique": true, "dossier_professionnel": true,
		"ecf_pris_en_compte": ecf}
	if decision == "non_acquis" {
		e["motifs"] = "Les techniques d'entretien ne sont pas maîtrisées."
	}
	return e
}

func (f *flow) decide(as, sessionID, inscriptionID, ccp, decision string, ecf bool) {
	f.t.Helper()
	f.ok(f.as(as, "PUT", "/api/v1/sessions/"+sessionID+"/inscriptions/"+inscriptionID+"/evaluations/"+ccp,
		evaluation(decision, ecf)), http.StatusOK, nil)
}

type dossierOut struct {
	Situation *struct {
		Issue        string
		CCPManquants []string                        `json:"ccp_manquants"`
		DateLimite   *string                         `json:"date_limite"`
		CCPAcquis    []struct{ CCP, Origine string } `json:"ccp_acquis"`
		Explication  []struct{ Code, Source, Detail string }
	}
	ProchaineEtape string `json:"prochaine_etape"`
	Sessions       []struct {
		Inscription inscriptionOut
		Resultat    *struct{ Issue string }
	}
}

func (f *flow) dossier(as, candidatID string) dossierOut {
	f.t.Helper()
	var d dossierOut
	f.ok(f.as(as, "GET", "/api/v1/candidats/"+candidatID+"/parcours", nil), http.StatusOK, &d)
	return d
}

// TestStoryFormationTitre: a candidat in formation continue sits a session
// titre, acquires every CCP with a favourable entretien final, and obtains
// the titre once the PV is signed by the whole jury and validated.
func TestStoryFormationTitre(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		s := f.session("titre", nil, "2026-11-23", "2026-11-24")
		if len(s.CCP) != 3 || s.Statut != "planifiee" {
			t.Fatalf("session = %+v", s)
		}
		f.step("centre", s.ID, "declaration", http.StatusOK)
		in := f.enrol(s.ID, lefevre, nil)
		if !in.EntretienFinalDu || len(in.CCP) != 3 {
			t.Fatalf("inscription = %+v", in)
		}
		f.step("centre", s.ID, "tenue", http.StatusOK)

		in = f.presence("jury1", s.ID, in, "present", "favorable")
		for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
			f.decide("jury1", s.ID, in.ID, c, "acquis", true)
		}
		if got := f.step("jury1", s.ID, "signature", http.StatusOK); got.Statut != "tenue" {
			t.Fatalf("after one signature: %s, want tenue", got.Statut)
		}
		// Before validation the candidat sees its enrolment, not its results.
		d := f.dossier("candidat", lefevre)
		if d.Situation != nil || len(d.Sessions) != 1 || d.Sessions[0].Inscription.Issue != nil || d.Sessions[0].Inscription.Presence != nil {
			t.Fatalf("candidat sees results before validation: %+v", d)
		}
		if got := f.step("jury2", s.ID, "signature", http.StatusOK); got.Statut != "deliberee" {
			t.Fatalf("after every signature: %s, want deliberee", got.Statut)
		}
		if d := f.dossier("candidat", lefevre); d.Situation != nil {
			t.Fatalf("candidat sees results before validation: %+v", d.Situation)
		}
		if d := f.dossier("centre", lefevre); d.Situation == nil || d.Situation.Issue != "titre" {
			t.Fatalf("centre dossier after deliberation = %+v", d.Situation)
		}
		f.step("dreets", s.ID, "validation", http.StatusOK)
		d = f.dossier("candidat", lefevre)
		if d.Situation == nil || d.Situation.Issue != "titre" || len(d.Situation.CCPManquants) != 0 || len(d.Situation.CCPAcquis) != 3 {
			t.Fatalf("dossier after validation = %+v", d.Situation)
		}
		var cites bool
		for _, r := range d.Situation.Explication {
			if r.Code == "titre_obtenu" && r.Source != "" && r.Detail != "" {
				cites = true
			}
		}
		if !cites {
			t.Errorf("explanation lacks the titre_obtenu rule with its source: %+v", d.Situation.Explication)
		}
		t.Logf("formation story: %s, %s", d.Situation.Issue, d.ProchaineEtape)
	})
}
