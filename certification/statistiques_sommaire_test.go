package certification_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// sommaire is the statistics summary as stored, keyed by session and
// parcours, and by session and CCP code (evalues, acquis).
type sommaire struct {
	Sessions map[[2]string]certification.Effectifs
	CCP      map[[2]string][2]int64
}

func sommaireStocke(t *testing.T, db *certification.DB) sommaire {
	t.Helper()
	var ss []struct {
		SessionID, Parcours                      string
		Candidats, Titre, Partiel, Echec, Absent int64
	}
	if err := db.Raw(`SELECT session_id, parcours, candidats, titre, partiel, echec, absent FROM statistiques_sessions`).Scan(&ss).Error; err != nil {
		t.Fatal(err)
	}
	var cs []struct {
		SessionID, Code string
		Evalues, Acquis int64
	}
	if err := db.Raw(`SELECT st.session_id, b.code, st.evalues, st.acquis FROM statistiques_ccp st JOIN blocs b ON b.id = st.bloc_id`).Scan(&cs).Error; err != nil {
		t.Fatal(err)
	}
	out := sommaire{map[[2]string]certification.Effectifs{}, map[[2]string][2]int64{}}
	for _, s := range ss {
		out.Sessions[[2]string{s.SessionID, s.Parcours}] = certification.Effectifs{Candidats: s.Candidats, Titre: s.Titre,
			Partiel: s.Partiel, Echec: s.Echec, Absent: s.Absent}
	}
	for _, c := range cs {
		out.CCP[[2]string{c.SessionID, c.Code}] = [2]int64{c.Evalues, c.Acquis}
	}
	return out
}

// sommaireRecalcule derives the summary in Go from the stored enrolments
// and decisions: every session, cancelled or not, since the statistics
// leave cancelled sessions out when they read it.
func sommaireRecalcule(t *testing.T, db *certification.DB) sommaire {
	t.Helper()
	rows, decisions := brutes(t, db)
	out := sommaire{map[[2]string]certification.Effectifs{}, map[[2]string][2]int64{}}
	for _, r := range rows {
		if r.Retiree || r.Issue == "" {
			continue
		}
		k := [2]string{r.SessionID, r.Parcours}
		e := out.Sessions[k]
		e.Candidats++
		switch r.Issue {
		case "titre", "ccs":
			e.Titre++
		case "partiel":
			e.Partiel++
		case "echec":
			e.Echec++
		case "absent":
			e.Absent++
		}
		out.Sessions[k] = e
		for code, d := range decisions[r.ID] {
			c := out.CCP[[2]string{r.SessionID, code}]
			c[0]++
			if d == "acquis" {
				c[1]++
			}
			out.CCP[[2]string{r.SessionID, code}] = c
		}
	}
	return out
}

// verifierSommaire fails the test when the stored summary differs from
// its recomputation from the rows, and returns the summary.
func verifierSommaire(t *testing.T, db *certification.DB, apres string) sommaire {
	t.Helper()
	got, want := sommaireStocke(t, db), sommaireRecalcule(t, db)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after %s, summary (-recomputed +stored):\n%s", apres, diff)
	}
	return got
}

// TestSommaireSuitLesChangements: after each kind of change that moves what
// the statistics count, made through the service, the stored summary
// equals its recomputation from the rows; the changes that count nothing
// leave it as it was. Generated sessions around it stay as counted.
func TestSommaireSuitLesChangements(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		certtest.GenResultats(t, db, 200, certtest.GenCentres(2))
		genere := verifierSommaire(t, db, "the generation")
		if len(genere.Sessions) == 0 || len(genere.CCP) == 0 {
			t.Fatal("the generated sessions have no summary")
		}

		// Withdrawal and excuse before a session is held count nothing.
		planned := w.plannedSession(t, certification.NewDate(2026, 12, 7))
		var enrolled []*certification.Inscription
		for _, nom := range []string{"Durand", "Fabre"} {
			in, err := w.svc.Inscrire(ctx, w.centre, planned.ID, w.formationCandidat(t, nom).ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			enrolled = append(enrolled, in)
		}
		if err := w.svc.RetirerInscription(ctx, w.centre, planned.ID, enrolled[0].ID, "Le candidat a déménagé."); err != nil {
			t.Fatal(err)
		}
		verifierSommaire(t, db, "a withdrawal")
		if err := w.svc.ExcuserCandidat(ctx, w.centre, planned.ID, enrolled[1].ID, "Hospitalisé."); err != nil {
			t.Fatal(err)
		}
		verifierSommaire(t, db, "an excuse")

		// The jury's entries count nothing until the deliberation.
		sid, ins := heldSession(t, w.svc, 3, w.jury, w.centre)
		recordAll(t, w, w.jury1, sid, ins[:2])
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, ins[2], 1, certification.PresenceSaisie{Presence: "absent"}); err != nil {
			t.Fatal(err)
		}
		if got := verifierSommaire(t, db, "the jury's entries"); !cmp.Equal(got, genere) {
			t.Error("the jury's entries changed the summary before the deliberation")
		}
		if _, err := w.svc.SignerPV(ctx, w.jury1, sid); err != nil {
			t.Fatal(err)
		}
		verifierSommaire(t, db, "a first signature")
		if _, err := w.svc.SignerPV(ctx, w.jury2, sid); err != nil {
			t.Fatal(err)
		}
		delibere := verifierSommaire(t, db, "the deliberation")
		if e := delibere.Sessions[[2]string{sid, "formation"}]; e.Candidats != 3 || e.Titre != 2 || e.Absent != 1 {
			t.Errorf("deliberated session counted %+v, want 3 candidats: 2 titres, 1 absent", e)
		}
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		verifierSommaire(t, db, "the validation")

		// A correction revokes a decision and derives the outcome again.
		nonAcquis := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Diagnostic incomplet.", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		in, err := w.svc.CorrigerEvaluation(ctx, w.dreets, sid, ins[0], "CCP2", "Erreur de report.", nonAcquis)
		if err != nil || in.Issue == nil || *in.Issue != "partiel" {
			t.Fatalf("correction: %v %+v", err, in)
		}
		corrige := verifierSommaire(t, db, "a correction")
		if c := corrige.CCP[[2]string{sid, "CCP2"}]; c != [2]int64{2, 1} {
			t.Errorf("CCP2 after the correction counted %v, want 2 decisions, 1 acquis", c)
		}

		// A candidat counts under its parcours as it now stands.
		c, err := w.svc.Candidat(ctx, w.centre, in.CandidatID)
		if err != nil {
			t.Fatal(err)
		}
		saisie := saisieOf(c)
		saisie.Parcours = certification.ParcoursCapitalisation
		if _, err := w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, saisie); err != nil {
			t.Fatal(err)
		}
		change := verifierSommaire(t, db, "a change of parcours")
		if e := change.Sessions[[2]string{sid, "capitalisation"}]; e.Candidats != 1 || e.Partiel != 1 {
			t.Errorf("capitalisation after the change counted %+v, want the partial success", e)
		}
		st, err := w.svc.Statistiques(ctx, certification.Acteur{Role: certification.RoleAdmin},
			certification.FiltrePeriode{Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2026, 12, 31), SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		if want := (certification.Effectifs{Candidats: 3, Titre: 1, Partiel: 1, Absent: 1}); st.Total != want {
			t.Errorf("statistics of the session = %+v, want %+v", st.Total, want)
		}
	})
}
