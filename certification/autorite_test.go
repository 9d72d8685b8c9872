package certification_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestEmissionParLots: a validated session waits « à délivrer » in its
// territory only; its documents are issued in lots, two lots at once
// queue rather than issue anything twice, and once all are issued the
// session leaves the worklist.
func TestEmissionParLots(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		pdl := actor(t, w.svc, "dreets-pdl")
		id := validatedSession(t, w.svc, 7, w.jury, w.centre, w.jury1, w.jury2, w.dreets)

		n, err := w.svc.Compteurs(ctx, w.dreets)
		if err != nil || n.ParStatut[certification.Validee] != 1 || n.ADelivrer != 1 || n.Total != 1 {
			t.Fatalf("counts: %+v %v", n, err)
		}
		if n, err := w.svc.Compteurs(ctx, pdl); err != nil || n.Total != 0 || n.ADelivrer != 0 {
			t.Errorf("another territory's counts: %+v %v", n, err)
		}
		if _, err := w.svc.Compteurs(ctx, w.centre); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("a centre's counts: %v", err)
		}
		page, err := w.svc.SessionsPage(ctx, w.dreets, certification.FiltreSessions{ADelivrer: true, Recherche: "LYON"})
		if err != nil || len(page.Sessions) != 1 || page.Sessions[0].ID != id {
			t.Fatalf("à délivrer, searched: %+v %v", page, err)
		}
		if page, _ := w.svc.SessionsPage(ctx, w.dreets, certification.FiltreSessions{Recherche: "nantes"}); len(page.Sessions) != 0 {
			t.Errorf("search on another place: %d sessions", len(page.Sessions))
		}

		if _, _, err := w.svc.EmettreDocumentsLot(ctx, w.dreets, id, 0); code(err) != "lot_invalide" {
			t.Errorf("empty lot: %v", err)
		}
		if _, _, err := w.svc.EmettreDocumentsLot(ctx, pdl, id, 3); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another territory issues: %v", err)
		}
		docs, av, err := w.svc.EmettreDocumentsLot(ctx, w.dreets, id, 3)
		if err != nil || len(docs) != 3 || docs[0].Type != certification.DocPV || av != (certification.Avancement{Dus: 15, Delivres: 3}) {
			t.Fatalf("first lot: %d documents, %+v, %v", len(docs), av, err)
		}
		if got, err := w.svc.AvancementEmission(ctx, w.dreets, id); err != nil || got != av {
			t.Errorf("progress read back: %+v %v", got, err)
		}

		// Two lots at once: one waits for the other, then issues what is left.
		var wg sync.WaitGroup
		issued := make([]int, 2)
		for i := range issued {
			wg.Go(func() {
				ds, _, err := w.svc.EmettreDocumentsLot(ctx, w.dreets, id, 6)
				if err != nil {
					t.Error(err)
				}
				issued[i] = len(ds)
			})
		}
		wg.Wait()
		if issued[0]+issued[1] != 12 {
			t.Errorf("concurrent lots issued %v, want 12 in all", issued)
		}
		docs, av, err = w.svc.EmettreDocumentsLot(ctx, w.dreets, id, 3)
		if err != nil || len(docs) != 0 || av.Restants() != 0 || av.Delivres != 15 {
			t.Errorf("a lot after the last: %d, %+v, %v", len(docs), av, err)
		}
		all, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: id})
		if err != nil || len(all) != 15 {
			t.Fatalf("documents: %d %v", len(all), err)
		}
		seen := map[string]bool{}
		for _, d := range all {
			k := string(d.Type) + ":" + deref(d.InscriptionID)
			if seen[k] {
				t.Errorf("issued twice: %s", k)
			}
			seen[k] = true
		}
		if n, _ := w.svc.Compteurs(ctx, w.dreets); n.ADelivrer != 0 {
			t.Errorf("still à délivrer: %+v", n)
		}
		sess, _ := w.svc.Session(ctx, w.dreets, id)
		if got := w.svc.ActionsAutoritePossibles(sess, av); got.Emettre.Possible || got.Emettre.Refus != "Tous les documents dus sont délivrés." ||
			got.Valider.Possible || !got.Corriger.Possible {
			t.Errorf("actions after issuance: %+v", got)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestHabilitationProlongerTerminer: the autorité prolongs and ends an
// habilitation at the end date it read; an end that would leave a declared
// session's jury without an habilitation is refused, and nothing changes.
func TestHabilitationProlongerTerminer(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		habilitation := func() certification.Habilitation {
			t.Helper()
			ms, err := w.svc.Membres(ctx, w.dreets)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.ID == w.jury[0] && len(m.Habilitations) == 1 {
					return m.Habilitations[0]
				}
			}
			t.Fatal("no habilitation")
			return certification.Habilitation{}
		}
		h := habilitation()
		d := certification.NewDate
		fin := h.Fin

		for name, c := range map[string]struct {
			a    certification.Acteur
			in   certification.FinHabilitation
			want string
		}{
			"ErrForbidden": {w.centre, certification.FinHabilitation{FinLue: fin, Fin: d(2030, 1, 1), Motif: "x"}, "acces_refuse"},
			"sans motif":   {w.dreets, certification.FinHabilitation{FinLue: fin, Fin: d(2030, 1, 1)}, "motif_requis"},
			"ErrStale":     {w.dreets, certification.FinHabilitation{FinLue: d(2028, 1, 1), Fin: d(2030, 1, 1), Motif: "x"}, "version_perimee"},
			"pas apres":    {w.dreets, certification.FinHabilitation{FinLue: fin, Fin: fin, Motif: "x"}, "habilitation_invalide"},
		} {
			if _, err := w.svc.ProlongerHabilitation(ctx, c.a, h.MembreID, h.ID, c.in); code(err) != c.want {
				t.Errorf("%s: %v, want %s", name, err, c.want)
			}
		}
		if _, err := w.svc.ProlongerHabilitation(ctx, w.dreets, w.jury[1], h.ID, certification.FinHabilitation{FinLue: fin, Fin: d(2030, 1, 1), Motif: "x"}); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("through another member: %v", err)
		}
		got, err := w.svc.ProlongerHabilitation(ctx, w.dreets, h.MembreID, h.ID, certification.FinHabilitation{FinLue: fin, Fin: d(2030, 12, 31), Motif: "DREETS-ARA-HAB-2028-001"})
		if err != nil || got.Fin != d(2030, 12, 31) || habilitation().Fin.String() != "2030-12-31" {
			t.Fatalf("prolonged: %+v %v", got, err)
		}

		// A declared session on 15/03/2027 with this member on its jury.
		w.plannedSession(t, d(2027, 3, 15))
		lue := d(2030, 12, 31)
		if _, err := w.svc.TerminerHabilitation(ctx, w.dreets, h.MembreID, h.ID, certification.FinHabilitation{FinLue: lue, Fin: d(2027, 3, 1), Motif: "Départ"}); code(err) != "habilitation_utilisee" {
			t.Errorf("an end before a session of the member: %v", err)
		}
		if got := habilitation().Fin.String(); got != "2030-12-31" {
			t.Errorf("end after a refusal: %s", got)
		}
		if _, err := w.svc.TerminerHabilitation(ctx, w.dreets, h.MembreID, h.ID, certification.FinHabilitation{FinLue: lue, Fin: d(2031, 1, 1), Motif: "Départ"}); code(err) != "habilitation_invalide" {
			t.Errorf("an end after the habilitation's: %v", err)
		}
		if _, err := w.svc.TerminerHabilitation(ctx, w.dreets, h.MembreID, h.ID, certification.FinHabilitation{FinLue: lue, Fin: d(2027, 6, 30), Motif: "Départ"}); err != nil {
			t.Fatal(err)
		}
		if got := habilitation().Fin.String(); got != "2027-06-30" {
			t.Errorf("ended on %s", got)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, "", "")
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			if e.Objet == "membre_jury" && e.ObjetID == w.jury[0] {
				actions = append(actions, e.Action)
			}
		}
		if want := []string{"membre_cree", "habilitation", "habilitation_prolongee", "habilitation_terminee"}; len(actions) != len(want) || actions[2] != want[2] || actions[3] != want[3] {
			t.Errorf("trail of the member: %v, want %v", actions, want)
		}
	})
}
