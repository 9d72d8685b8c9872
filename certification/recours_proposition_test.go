package certification_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestPropositionHostile: the jury's reasons, printed on the rectified PV
// and read by the candidat, refuse control characters, direction
// overrides and overlong texts on the field they come from, and nothing
// is written.
func TestPropositionHostile(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		r := w.deposer(t, w.centre)
		r, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation})
		if err != nil {
			t.Fatal(err)
		}
		ok := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Le dossier ne couvre pas CCP2.", MSP: true, DossierProfessionnel: true}
		for _, bad := range []string{"a\x00b", "ligne\x1bsuite", "Réexamen \u202e inversé", "\u0085", strings.Repeat("é", 5001)} {
			for _, c := range []struct {
				field string
				p     certification.PropositionJury
			}{
				{"motif", certification.PropositionJury{Motif: bad, Decisions: []certification.DecisionCCP{{CCP: "CCP2", Evaluation: ok}}}},
				{"evaluations.CCP2.motifs", certification.PropositionJury{Motif: "Réexamen.", Decisions: []certification.DecisionCCP{{CCP: "CCP2",
					Evaluation: certification.EvaluationSaisie{Decision: "non_acquis", Motifs: bad, MSP: true, DossierProfessionnel: true}}}}},
			} {
				_, err := w.svc.ProposerDeliberation(ctx, w.jury1, r.ID, r.Version, c.p)
				var de *certification.Error
				if !errors.As(err, &de) || !errors.Is(err, certification.ErrInvalid) || len(de.Fields) != 1 || de.Fields[0].Field != c.field {
					t.Errorf("%.20q in %s: %v", bad, c.field, err)
				}
			}
		}
		got, err := w.svc.LireRecours(ctx, w.dreets, r.ID)
		if err != nil || got.Proposition != nil || got.Version != r.Version {
			t.Errorf("the refused proposals wrote: %v %+v", err, got)
		}
		// Line breaks and tabs are a text's own.
		if _, err := w.svc.ProposerDeliberation(ctx, w.jury1, r.ID, r.Version, certification.PropositionJury{Motif: "Réexamen :\n\t- le dossier professionnel.",
			Decisions: []certification.DecisionCCP{{CCP: "CCP2", Evaluation: ok}}}); err != nil {
			t.Errorf("reasons on several lines: %v", err)
		}
	})
}
