package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestResultatsVerrouilles: a change of results clears the signatures
// already given; once every member signed, the results are locked for the
// jury (docs/domaine.md §5), and stay so after validation.
func TestResultatsVerrouilles(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		s, ins := f.held(f.candidatID("Lefèvre"))
		in := f.record(s, ins[0], "jury1", true, nil)

		// jury1 signs, then jury2 changes a decision: jury1's signature
		// covered other results and is withdrawn.
		f.step("jury1", s.ID, "signature", http.StatusOK)
		f.ok(f.as("jury2", "PUT", evalPath(s.ID, in.ID, "CCP3"), evaluation("acquis", true), ifMatch(1)), http.StatusOK, nil)
		var got sessionOut
		f.ok(f.as("jury1", "GET", sessionPath(s.ID), nil), http.StatusOK, &got)
		for _, j := range got.Jury {
			if j.SigneLe != nil {
				t.Fatalf("signature kept after a change of results: %+v", got.Jury)
			}
		}
		f.deliberate(s.ID)

		cur := f.inscriptions("jury1", s.ID)[in.ID]
		locked := func(when string) {
			t.Helper()
			for _, rec := range []*httptest.ResponseRecorder{
				f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("non_acquis", true), ifMatch(1)),
				f.as("jury2", "PUT", evalPath(s.ID, in.ID, "CCP3"), evaluation("non_acquis", true), ifMatch(2)),
				f.as("jury2", "PUT", evalPath(s.ID, in.ID, "CCP2"), evaluation("acquis", true)),
				f.as("jury1", "PUT", presencePath(s.ID, in.ID), map[string]any{"presence": "absent"}, ifMatch(cur.Version)),
				f.as("jury2", "PUT", presencePath(s.ID, in.ID), map[string]any{"presence": "present", "entretien_final": "defavorable"}, ifMatch(cur.Version)),
			} {
				wantCode(t, rec, http.StatusConflict, "resultats_verrouilles")
			}
			wantCode(t, f.as("jury1", "POST", sessionPath(s.ID, "signature"), nil), http.StatusConflict, "transition_interdite")
			wantCode(t, f.as("centre", "POST", sessionPath(s.ID, "annulation"), map[string]any{"motif": "Erreur"}), http.StatusConflict, "transition_interdite")
			after := f.inscriptions("jury1", s.ID)[in.ID]
			if after.Version != cur.Version || str(after.Presence) != "present" || after.evaluation("CCP1").Decision != "acquis" ||
				after.evaluation("CCP1").Version != 1 {
				t.Fatalf("%s: locked results changed: %+v", when, after)
			}
		}
		locked("deliberated")
		f.step("dreets", s.ID, "validation", http.StatusOK)
		cur = f.inscriptions("jury1", s.ID)[in.ID] // validation records the notification date
		locked("validated")
	})
}

// TestRevocation: after délibération only the autorité corrects a
// decision, with a reason; the old decision is revoked and kept, the
// outcome derived again, and the audit trail holds both.
func TestRevocation(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre := f.candidatID("Lefèvre")
		s, ins := f.held(lefevre)
		in := f.record(s, ins[0], "jury1", true, map[string]string{"CCP2": "non_acquis"})
		path := evalPath(s.ID, in.ID, "CCP2") + "/correction"
		correction := evaluation("acquis", true)
		correction["motif"] = "Erreur de report : le jury avait déclaré CCP2 acquis lors de la délibération."

		// Before délibération the jury records results itself.
		wantCode(t, f.as("dreets", "POST", path, correction, ifMatch(1)), http.StatusConflict, "correction_prematuree")
		f.deliberate(s.ID)
		version := f.inscriptions("dreets", s.ID)[in.ID].evaluation("CCP2").Version
		wantCode(t, f.as("dreets", "POST", path, correction), http.StatusPreconditionRequired, "if_match_requis")
		wantCode(t, f.as("dreets", "POST", path, correction, ifMatch(version+1)), http.StatusPreconditionFailed, "version_perimee")
		if d := f.dossierFull("centre", lefevre); d.Situation == nil || d.Situation.Issue != "partiel" {
			t.Fatalf("before the correction: %+v", d.Situation)
		}

		for _, as := range []string{"jury1", "jury2", "centre", "candidat", "admin"} {
			wantCode(t, f.as(as, "POST", path, correction), http.StatusForbidden, "acces_refuse")
		}
		sansMotif := evaluation("acquis", true)
		wantProblem(t, f.as("dreets", "POST", path, sansMotif), http.StatusUnprocessableEntity, "motif")
		sansMotif["motif"] = "   "
		wantProblem(t, f.as("dreets", "POST", path, sansMotif), http.StatusUnprocessableEntity, "motif")
		sansMotifs := evaluation("non_acquis", true)
		sansMotifs["motifs"], sansMotifs["motif"] = "", "Motifs oubliés"
		wantProblem(t, f.as("dreets", "POST", path, sansMotifs, ifMatch(version)), http.StatusUnprocessableEntity, "motifs")
		wantCode(t, f.as("dreets", "POST", evalPath(s.ID, in.ID, "CCP9")+"/correction", correction, ifMatch(version)), http.StatusNotFound, "evaluation_introuvable")
		if n := f.count("evaluations"); n != 3 {
			t.Fatalf("refused corrections wrote: %d evaluations", n)
		}

		var out inscriptionFull
		f.ok(f.as("dreets", "POST", path, correction, ifMatch(version)), http.StatusOK, &out)
		if str(out.Issue) != "titre" || out.evaluation("CCP2") == nil || out.evaluation("CCP2").Decision != "acquis" || len(out.Evaluations) != 3 {
			t.Fatalf("after the correction: %+v", out)
		}
		if d := f.dossierFull("centre", lefevre); d.Situation == nil || d.Situation.Issue != "titre" || len(d.Situation.CCPManquants) != 0 ||
			d.Situation.DateLimite != nil || str(d.Sessions[0].Inscription.DateLimite) != "<nil>" {
			t.Fatalf("dossier after the correction: %+v", d.Situation)
		}

		// The revoked decision is still there.
		var rows []struct {
			Decision        string
			RevoqueAt       *string
			MotifRevocation string
		}
		if err := db.Raw(`SELECT e.decision, CAST(e.revoque_at AS TEXT) AS revoque_at, e.motif_revocation FROM evaluations e
			JOIN blocs b ON b.id = e.bloc_id WHERE e.inscription_id = ? AND b.code = 'CCP2' ORDER BY e.created_at, e.id`, in.ID).
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Decision != "non_acquis" || rows[0].RevoqueAt == nil || rows[0].MotifRevocation != correction["motif"] ||
			rows[1].Decision != "acquis" || rows[1].RevoqueAt != nil {
			t.Fatalf("CCP2 rows = %+v", rows)
		}

		evs := f.evenements("dreets", sessionPath(s.ID, "evenements"))
		var revocation, issue *evenementOut
		for i := range evs {
			switch evs[i].Action {
			case "revocation":
				revocation = &evs[i]
			case "issue":
				issue = &evs[i]
			}
		}
		if revocation == nil || revocation.Role != "autorite" || revocation.CandidatID != lefevre {
			t.Fatalf("revocation event = %+v", revocation)
		}
		var avant struct{ Decision, Motifs string }
		var apres struct {
			Motif        string                    `json:"motif"`
			RemplaceePar struct{ Decision string } `json:"remplacee_par"`
		}
		if err := json.Unmarshal(revocation.Avant, &avant); err != nil || avant.Decision != "non_acquis" || avant.Motifs == "" {
			t.Errorf("revocation avant = %s (%v)", revocation.Avant, err)
		}
		if err := json.Unmarshal(revocation.Apres, &apres); err != nil || apres.Motif != correction["motif"] || apres.RemplaceePar.Decision != "acquis" {
			t.Errorf("revocation apres = %s (%v)", revocation.Apres, err)
		}
		var was, now struct{ Issue string }
		if issue == nil || json.Unmarshal(issue.Avant, &was) != nil || json.Unmarshal(issue.Apres, &now) != nil ||
			was.Issue != "partiel" || now.Issue != "titre" || issue.Role != "autorite" {
			t.Errorf("last issue event = %+v", issue)
		}
		for _, as := range []string{"centre", "jury1"} {
			wantCode(t, f.as(as, "GET", sessionPath(s.ID, "evenements"), nil), http.StatusForbidden, "acces_refuse")
		}

		// A validated session can be corrected too; the candidat sees the result.
		f.step("dreets", s.ID, "validation", http.StatusOK)
		back := evaluation("non_acquis", true)
		back["motif"] = "Recours gracieux rejeté : la décision initiale est rétablie."
		f.ok(f.as("dreets", "POST", path, back, ifMatch(version+1)), http.StatusOK, &out)
		if d := f.dossierFull("candidat", lefevre); d.Situation == nil || d.Situation.Issue != "partiel" ||
			!slices.Equal(d.Situation.CCPManquants, []string{"CCP2"}) || str(d.Situation.DateLimite) != "2028-03-22" {
			t.Fatalf("candidat's dossier after the second correction: %+v", d.Situation)
		}
		var n int64
		if err := db.Table("evaluations").Where("inscription_id = ? AND revoque_at IS NOT NULL", in.ID).Count(&n).Error; err != nil || n != 2 {
			t.Errorf("%d revoked evaluations, want 2 (%v)", n, err)
		}
	})
}

func jsonReader(v any) io.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bytes.NewReader(b)
}

// TestConcurrentResults: concurrent writes of the same result never lose
// one silently: with If-Match, one wins and the others get 412; without,
// two first recordings never both succeed.
func TestConcurrentResults(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		s, ins := f.held(f.candidatID("Lefèvre"))
		in := f.presence("jury1", s.ID, ins[0], "present", "favorable")

		rec := f.as("jury1", "PUT", evalPath(s.ID, in.ID, "CCP1"), evaluation("acquis", true))
		f.ok(rec, http.StatusOK, nil)
		if et := rec.Header().Get("ETag"); et != `"1"` {
			t.Fatalf("ETag = %q", et)
		}

		type answer struct {
			rec  *httptest.ResponseRecorder
			body map[string]any
		}
		race := func(n int, body func(i int) map[string]any, ccp string, headers ...string) []answer {
			out := make([]answer, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				out[i].body = body(i)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					as := []string{"jury1", "jury2"}[i%2]
					req := httptest.NewRequest("PUT", evalPath(s.ID, in.ID, ccp), jsonReader(out[i].body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+f.tokens[as])
					for _, h := range headers {
						req.Header.Set("If-Match", h)
					}
					out[i].rec = httptest.NewRecorder()
					f.srv.ServeHTTP(out[i].rec, req)
				}()
			}
			close(start)
			wg.Wait()
			return out
		}
		// winner checks that one write won and that the others lost with
		// status and code.
		winner := func(answers []answer, status int, code string) answer {
			t.Helper()
			var won []answer
			for _, a := range answers {
				switch a.rec.Code {
				case http.StatusOK:
					won = append(won, a)
				case status:
					wantCode(t, a.rec, status, code)
				default:
					t.Fatalf("unexpected answer %d %s", a.rec.Code, a.rec.Body)
				}
			}
			if len(won) != 1 {
				t.Fatalf("%d writes succeeded, want exactly 1", len(won))
			}
			return won[0]
		}

		answers := race(10, func(i int) map[string]any {
			e := evaluation([]string{"acquis", "non_acquis"}[i%2], true)
			e["motifs"] = fmt.Sprintf("Saisie concurrente n° %d.", i)
			return e
		}, "CCP1", `"1"`)
		w := winner(answers, http.StatusPreconditionFailed, "version_perimee")
		var stored evaluationOut
		mustJSON(t, w.rec, &stored)
		got := f.inscriptions("jury1", s.ID)[in.ID].evaluation("CCP1")
		if got == nil || got.Version != 2 || got.Decision != w.body["decision"] || got.Motifs != w.body["motifs"] ||
			*got != stored || w.rec.Header().Get("ETag") != `"2"` {
			t.Fatalf("stored %+v, winner sent %v and got %+v", got, w.body, stored)
		}
		var evalID string
		if err := db.Raw(`SELECT e.id FROM evaluations e JOIN blocs b ON b.id = e.bloc_id
			WHERE e.inscription_id = ? AND b.code = 'CCP1' AND e.revoque_at IS NULL`, in.ID).Scan(&evalID).Error; err != nil || evalID == "" {
			t.Fatalf("CCP1 evaluation: %v", err)
		}
		var events int64
		if err := db.Table("evenements").Where("action = 'evaluation' AND objet_id = ?", evalID).Count(&events).Error; err != nil || events != 2 {
			t.Errorf("%d evaluation events for CCP1, want 2: the first recording and the winner (%v)", events, err)
		}

		// First recordings without If-Match: never two. The other finds a
		// decision recorded, whose version it must read: 428.
		for _, ccp := range []string{"CCP2", "CCP3"} {
			answers := race(2, func(i int) map[string]any {
				e := evaluation([]string{"acquis", "non_acquis"}[i%2], true)
				e["motifs"] = fmt.Sprintf("Première saisie n° %d.", i)
				return e
			}, ccp)
			w := winner(answers, http.StatusPreconditionRequired, "if_match_requis")
			got := f.inscriptions("jury2", s.ID)[in.ID].evaluation(ccp)
			if got == nil || got.Version != 1 || got.Motifs != w.body["motifs"] {
				t.Fatalf("%s stored %+v, winner sent %v", ccp, got, w.body)
			}
		}
		if n := f.count("evaluations"); n != 3 {
			t.Errorf("%d evaluations, want 3", n)
		}
	})
}

// TestConcurrentSignatures: when the last two members sign at the same
// time, the session still ends délibérée: neither signature may miss the
// other's.
func TestConcurrentSignatures(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		for round := range 8 {
			c := f.formationCandidat(fmt.Sprintf("Signataire-%d", round))
			s := f.session("titre", nil, "2026-11-23", "2026-11-24")
			in := f.enrol(s.ID, c, nil)
			f.step("centre", s.ID, "declaration", http.StatusOK)
			f.step("centre", s.ID, "tenue", http.StatusOK)
			f.record(s, in, "jury1", true, map[string]string{"CCP2": "non_acquis"})
			sign := func(as string) func() *httptest.ResponseRecorder {
				return func() *httptest.ResponseRecorder {
					return f.do("POST", sessionPath(s.ID, "signature"), f.tokens[as], nil)
				}
			}
			recs := f.together(sign("jury1"), sign("jury2"))
			codes := []int{recs[0].Code, recs[1].Code}
			var got sessionOut
			f.ok(f.as("jury1", "GET", sessionPath(s.ID), nil), http.StatusOK, &got)
			if codes[0] != http.StatusOK || codes[1] != http.StatusOK || got.Statut != "deliberee" {
				t.Fatalf("round %d: signatures %v, session %s, want both 200 and deliberee", round, codes, got.Statut)
			}
			if in := f.inscriptions("jury1", s.ID)[in.ID]; str(in.Issue) != "partiel" {
				t.Fatalf("round %d: issue %s", round, str(in.Issue))
			}
		}
	})
}

// TestConcurrentCorrections: two corrections of the same candidat, on two
// CCP, at the same time each derive the outcome from both decisions; of
// corrections of one decision read at one version, one wins and the others
// answer 412.
func TestConcurrentCorrections(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		for round := range 6 {
			c := f.formationCandidat(fmt.Sprintf("Corrigé-%d", round))
			s := f.session("titre", nil, "2026-11-23", "2026-11-24")
			in := f.enrol(s.ID, c, nil)
			f.step("centre", s.ID, "declaration", http.StatusOK)
			f.step("centre", s.ID, "tenue", http.StatusOK)
			f.record(s, in, "jury1", true, map[string]string{"CCP2": "non_acquis", "CCP3": "non_acquis"})
			f.deliberate(s.ID)

			correct := func(ccp string) func() *httptest.ResponseRecorder {
				e := evaluation("acquis", true)
				e["motif"] = "Erreur de report sur " + ccp + "."
				return func() *httptest.ResponseRecorder {
					return f.do("POST", evalPath(s.ID, in.ID, ccp)+"/correction", f.tokens["dreets"], e, ifMatch(1))
				}
			}
			recs := f.together(correct("CCP2"), correct("CCP3"))
			codes := []int{recs[0].Code, recs[1].Code}
			got := f.inscriptions("dreets", s.ID)[in.ID]
			if codes[0] != http.StatusOK || codes[1] != http.StatusOK || str(got.Issue) != "titre" || got.DateLimite != nil {
				t.Fatalf("round %d: corrections %v, issue %s, date limite %s; want both 200 and titre", round, codes, str(got.Issue), str(got.DateLimite))
			}
			if round > 0 {
				continue
			}
			v := got.evaluation("CCP2").Version
			same := func() *httptest.ResponseRecorder {
				e := evaluation("non_acquis", true)
				e["motif"] = "Erreur de report sur CCP2."
				return f.do("POST", evalPath(s.ID, in.ID, "CCP2")+"/correction", f.tokens["dreets"], e, ifMatch(v))
			}
			statuses := map[int]int{}
			for _, rec := range f.together(same, same, same, same) {
				statuses[rec.Code]++
			}
			if statuses[http.StatusOK] != 1 || statuses[http.StatusPreconditionFailed] != 3 {
				t.Fatalf("four corrections of CCP2 at version %d answered %v, want one 200 and three 412", v, statuses)
			}
		}
	})
}

// TestChangeRacingTheLastSignature: a decision changed while the last
// member signs either lands before the délibération (which then waits for
// new signatures) or is refused after it: results are never changed under
// a PV already signed by everyone.
func TestChangeRacingTheLastSignature(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		for round := range 8 {
			c := f.formationCandidat(fmt.Sprintf("Course-%d", round))
			s := f.session("titre", nil, "2026-11-23", "2026-11-24")
			in := f.enrol(s.ID, c, nil)
			f.step("centre", s.ID, "declaration", http.StatusOK)
			f.step("centre", s.ID, "tenue", http.StatusOK)
			f.record(s, in, "jury1", true, nil)
			f.step("jury1", s.ID, "signature", http.StatusOK)

			recs := f.together(
				func() *httptest.ResponseRecorder {
					return f.do("POST", sessionPath(s.ID, "signature"), f.tokens["jury2"], nil)
				},
				func() *httptest.ResponseRecorder {
					return f.do("PUT", evalPath(s.ID, in.ID, "CCP2"), f.tokens["jury1"], evaluation("non_acquis", true), `If-Match: "1"`)
				},
			)
			sign, change := recs[0], recs[1]
			var got sessionOut
			f.ok(f.as("jury1", "GET", sessionPath(s.ID), nil), http.StatusOK, &got)
			after := f.inscriptions("jury1", s.ID)[in.ID]
			switch {
			case change.Code == http.StatusOK:
				if got.Statut != "tenue" || after.Issue != nil {
					t.Fatalf("round %d: the change landed but the session is %s with issue %s", round, got.Statut, str(after.Issue))
				}
			case change.Code == http.StatusConflict:
				if got.Statut != "deliberee" || str(after.Issue) != "titre" || after.evaluation("CCP2").Decision != "acquis" {
					t.Fatalf("round %d: the change was refused but the session is %s, issue %s, CCP2 %+v", round, got.Statut, str(after.Issue), after.evaluation("CCP2"))
				}
			default:
				t.Fatalf("round %d: change answered %d %s", round, change.Code, change.Body)
			}
			if sign.Code != http.StatusOK {
				t.Fatalf("round %d: signature answered %d %s", round, sign.Code, sign.Body)
			}
		}
	})
}
