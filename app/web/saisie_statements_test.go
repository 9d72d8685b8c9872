package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

var (
	saisieAcquis = certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true,
		DossierProfessionnel: true, EcfPrisEnCompte: true}
	saisieNonAcquis = certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Les techniques d'entretien ne sont pas maîtrisées.",
		MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
)

// TestSaisieStatements holds a jury's recording to the number of SQL
// statements it sends one after the other, which its time under load
// follows more than anything else: the checks that guard it in one read,
// the write with its version check and its event in one more (two on
// SQLite), and the transaction around them. A ceiling is raised only
// knowingly.
func TestSaisieStatements(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")}, [2]string{"Durand", "Léa"})
		ctx := context.Background()
		jury1, jury2 := s.acteur("jury1"), s.acteur("jury2")
		sessionID, insID := d.session, d.ins["Durand"]
		in, err := s.svc.SaisirPresence(ctx, jury1, sessionID, insID, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"})
		if err != nil {
			t.Fatal(err)
		}

		count := countStatements(db)
		measure := func(what string, max int64, fn func() error, want error) {
			t.Helper()
			before := count.n.Load()
			err := fn()
			n := count.n.Load() - before
			if !errors.Is(err, want) && (want != nil || err != nil) {
				t.Fatalf("%s: %v, want %v", what, err, want)
			}
			if n > max {
				t.Errorf("%s: %d SQL statements, at most %d expected", what, n, max)
			} else {
				t.Logf("%s: %d SQL statements", what, n)
			}
		}
		saisir := func(a certification.Acteur, ccp string, version int, e certification.EvaluationSaisie) func() error {
			return func() error {
				_, err := s.svc.SaisirEvaluation(ctx, a, sessionID, insID, ccp, version, e)
				return err
			}
		}
		// On PostgreSQL the write carries the decision, its event and
		// the withdrawal of the signatures; SQLite writes the event on
		// its own.
		// The guard read is preceded there by the session's shared lock,
		// a statement of its own (sent in the guard's round trip by a
		// recording); SQLite has nothing to lock.
		guard, write := int64(2), int64(1)
		if db.Dialect == "sqlite" {
			guard, write = 1, 2
		}
		measure("first recording", guard+write, saisir(jury1, "CCP1", 0, saisieAcquis), nil)
		measure("update at its version", guard+write, saisir(jury1, "CCP1", 1, saisieNonAcquis), nil)
		measure("same decision sent again", guard, saisir(jury1, "CCP1", 1, saisieNonAcquis), nil)
		measure("stale version", guard, saisir(jury2, "CCP1", 1, saisieAcquis), certification.ErrStale)
		measure("combined save", guard+3*write, func() error {
			return s.svc.SaisirCandidat(ctx, jury2, sessionID, insID, certification.SaisieCandidat{Version: in.Version,
				Presence: certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"},
				Evaluations: map[string]certification.EvaluationLue{
					"CCP1": {Version: 2, EvaluationSaisie: saisieAcquis},
					"CCP2": {EvaluationSaisie: saisieAcquis},
					"CCP3": {EvaluationSaisie: saisieNonAcquis}}})
		}, nil)
		// The presence, then the enrolment read back for the answer.
		measure("presence changed", guard+write+3, func() error {
			_, err := s.svc.SaisirPresence(ctx, jury1, sessionID, insID, in.Version, certification.PresenceSaisie{Presence: "present", EntretienFinal: "defavorable"})
			return err
		}, nil)

		// Each recording left its event, with the decision before and after.
		evs, err := s.svc.Evenements(ctx, s.acteur("dreets"), sessionID, "")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			if ev.Action != "evaluation" {
				continue
			}
			var avant, apres struct {
				CCP, Decision string
				Version       int
			}
			if ev.Avant != "" {
				if err := json.Unmarshal([]byte(ev.Avant), &avant); err != nil {
					t.Fatal(err)
				}
			}
			if err := json.Unmarshal([]byte(ev.Apres), &apres); err != nil {
				t.Fatal(err)
			}
			if ev.Objet != "evaluation" || ev.Role != certification.RoleJury || *ev.SessionID != sessionID || *ev.CandidatID != d.cands["Durand"] {
				t.Errorf("event %+v", ev)
			}
			was := "rien"
			if avant.CCP != "" {
				was = fmt.Sprintf("%s %s v%d", avant.CCP, avant.Decision, avant.Version)
			}
			got = append(got, fmt.Sprintf("%s → %s %s v%d par %s", was, apres.CCP, apres.Decision, apres.Version, *ev.UtilisateurID))
		}
		want := []string{
			"rien → CCP1 acquis v1 par " + jury1.UtilisateurID,
			"CCP1 acquis v1 → CCP1 non_acquis v2 par " + jury1.UtilisateurID,
			"CCP1 non_acquis v2 → CCP1 acquis v3 par " + jury2.UtilisateurID,
			"rien → CCP2 acquis v1 par " + jury2.UtilisateurID,
			"rien → CCP3 non_acquis v1 par " + jury2.UtilisateurID,
		}
		if len(got) != len(want) {
			t.Fatalf("events %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("event %d: %q, want %q", i, got[i], want[i])
			}
		}
	})
}

// TestSaisieConcurrente: two members record the same CCP at once from the
// same version: exactly one wins, the other is told his version is stale,
// and what is stored is the winner's decision with one event each.
func TestSaisieConcurrente(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		d := s.heldSession(t, []string{s.membre("jury1"), s.membre("jury2")}, [2]string{"Durand", "Léa"})
		ctx := context.Background()
		sessionID, insID := d.session, d.ins["Durand"]
		jury := []certification.Acteur{s.acteur("jury1"), s.acteur("jury2")}
		if _, err := s.svc.SaisirPresence(ctx, jury[0], sessionID, insID, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.SaisirEvaluation(ctx, jury[0], sessionID, insID, "CCP1", 0, saisieAcquis); err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				errs    [2]error
				outs    [2]*certification.Evaluation
				version = 1 + round
				saisies = [2]certification.EvaluationSaisie{saisieNonAcquis, saisieAcquis}
			)
			if round%2 == 1 {
				saisies[0], saisies[1] = saisieAcquis, saisieNonAcquis
			}
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					outs[i], errs[i] = s.svc.SaisirEvaluation(ctx, jury[i], sessionID, insID, "CCP1", version, saisies[i])
				}()
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil:
					if winner >= 0 {
						t.Fatalf("round %d: both recordings won", round)
					}
					winner = i
				case !errors.Is(err, certification.ErrStale):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: no recording won: %v", round, errs)
			}
			ins, err := s.svc.Inscriptions(ctx, jury[0], sessionID)
			if err != nil {
				t.Fatal(err)
			}
			e := ins[0].Evaluation("CCP1")
			if e == nil || e.Version != version+1 || e.Decision != saisies[winner].Decision || e.SaisiPar != jury[winner].UtilisateurID ||
				outs[winner].Version != version+1 {
				t.Fatalf("round %d: stored %+v, winner %d sent %s", round, e, winner, saisies[winner].Decision)
			}
		}
		evs, err := s.svc.Evenements(ctx, s.acteur("dreets"), sessionID, "")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Action == "evaluation" {
				n++
			}
		}
		if n != 6 {
			t.Errorf("%d evaluation events, want 6: the first recording and one winner a round", n)
		}
	})
}
