package certification_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestPVComplet issues the PV of a session with a titre, a partial success
// with its reasons, an absent, a candidat capitalising a CCP obtained
// before and a member abstaining on a candidat, and checks that the PV
// carries what the jury and the autorité recorded.
func TestPVComplet(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()
		d := certification.NewDate
		j3, j3ID := w.thirdJury(t)
		sid, ins := heldSessionWith(t, w, append(w.jury, j3ID), 3)
		list, err := w.svc.Inscriptions(ctx, w.dreets, sid)
		if err != nil || len(list) != 4 {
			t.Fatalf("inscriptions: %v, %d", err, len(list))
		}
		byID := map[string]certification.Inscription{}
		for _, in := range list {
			byID[in.ID] = in
		}
		titre, partiel, absent, capitalise := byID[ins[0]], byID[ins[1]], byID[ins[2]], byID[ins[3]]
		if _, err := w.svc.DeclarerLien(ctx, w.centre, j3ID, titre.CandidatID, "formateur"); err != nil {
			t.Fatal(err)
		}
		// Before the deliberation, the draft counts what the candidat holds.
		if _, err := w.svc.BrouillonPV(ctx, w.centre, sid); err != nil {
			t.Fatal(err)
		}
		for _, c := range spy.last(t).Candidats {
			if c.Nom == capitalise.Prenoms+" "+capitalise.NomNaissance && (len(c.Anterieurs) != 1 || c.Anterieurs[0].CCP != "CCP1") {
				t.Errorf("draft PV: capitalisation line = %+v, want CCP1 held before", c)
			}
		}
		present := certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}
		acquis := certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		const motifs = "Le diagnostic partagé n'a pas été formalisé."
		for _, in := range []certification.Inscription{titre, partiel, capitalise} {
			if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, in.ID, in.Version, present); err != nil {
				t.Fatal(err)
			}
			for _, c := range in.CCP {
				e := acquis
				if in.ID == partiel.ID && c == "CCP2" {
					e = certification.EvaluationSaisie{Decision: "non_acquis", Motifs: motifs, MSP: true, QuestionnaireProfessionnel: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
				}
				if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, in.ID, c, 0, e); err != nil {
					t.Fatalf("%s %s: %v", in.NomNaissance, c, err)
				}
			}
		}
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, absent.ID, absent.Version, certification.PresenceSaisie{Presence: "absent"}); err != nil {
			t.Fatal(err)
		}
		for _, j := range []certification.Acteur{w.jury1, w.jury2, j3} {
			if _, err := w.svc.SignerPV(ctx, j, sid); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		pv := spy.last(t)
		if pv.Responsable != "Sophie Garnier" || pv.Centre == "" || pv.Lieu != "Lyon" {
			t.Errorf("PV session = centre %q, lieu %q, responsable %q", pv.Centre, pv.Lieu, pv.Responsable)
		}
		if pv.ValideAt.IsZero() || pv.ValidePar == "" {
			t.Errorf("PV validation = %q at %v, want who and when", pv.ValidePar, pv.ValideAt)
		}
		if len(pv.Jury) != 3 {
			t.Fatalf("PV jury = %+v, want 3 members", pv.Jury)
		}
		for _, j := range pv.Jury {
			if j.SigneAt.IsZero() || len(j.Habilitations) != 1 || j.Habilitations[0].Reference != "HAB" ||
				j.Habilitations[0].Debut != d(2026, 1, 1) || j.Habilitations[0].Fin != d(2028, 12, 31) {
				t.Errorf("PV jury member = %+v, want signed under habilitation HAB 2026-2028", j)
			}
		}
		got := map[string]certification.PVCandidat{}
		for _, c := range pv.Candidats {
			got[c.Nom] = c
		}
		name := func(in certification.Inscription) string { return in.Prenoms + " " + in.NomNaissance }
		c := got[name(titre)]
		if c.Issue != "Titre obtenu" || c.EntretienFinal != "favorable" || c.Parcours != "Formation continue" || c.DateNaissance != d(1994, 5, 17) ||
			c.Presence != "présent" || len(c.Decisions) != 3 || len(c.Abstentions) != 1 || !strings.Contains(c.Abstentions[0], "Lucie Roche") {
			t.Errorf("titre line = %+v", c)
		}
		if x := c.Decisions[0]; x.ECF != "pris en compte" || x.Elements != (certification.PVElements{MSP: true, EntretienTechnique: true, DossierProfessionnel: true}) {
			t.Errorf("titre CCP1 = %+v, want MSP, ET, DP and ECF", x)
		}
		c = got[name(partiel)]
		if c.Issue != "Réussite partielle" || len(c.Decisions) != 3 || c.Decisions[1].Decision != "non acquis" || c.Decisions[1].Motifs != motifs ||
			c.Decisions[1].ECF != "pris en compte" || !c.Decisions[1].Elements.QuestionnaireProfessionnel {
			t.Errorf("partial success line = %+v", c)
		}
		c = got[name(absent)]
		if c.Issue != "Absent" || c.Presence != "absent" || len(c.Decisions) != 0 {
			t.Errorf("absent line = %+v", c)
		}
		c = got[name(capitalise)]
		if c.Parcours != "Capitalisation (après une formation)" || len(c.Anterieurs) != 1 || c.Anterieurs[0].CCP != "CCP1" ||
			!strings.Contains(c.Anterieurs[0].Origine, "PV-2025-0118") || !strings.Contains(c.Anterieurs[0].Origine, "12/06/2025") ||
			len(c.Decisions) != 2 || c.Issue != "Titre obtenu" {
			t.Errorf("capitalisation line = %+v, want CCP1 held before (PV-2025-0118, 12/06/2025) and the titre", c)
		}
	})
}

// heldSessionWith is heldSession with that jury and a fourth candidat who
// capitalises CCP1, declared at registration, and sits CCP2 and CCP3.
func heldSessionWith(t *testing.T, w *world, jury []string, n int) (string, []string) {
	t.Helper()
	ctx := context.Background()
	d := certification.NewDate
	today := certification.DateOf(w.svc.Now())
	s, err := w.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: today, Fin: today, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: jury})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.DeclarerSession(ctx, w.centre, s.ID); err != nil {
		t.Fatal(err)
	}
	formation := &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)}
	ecf := []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)}, {CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}
	var ins []string
	for i := 0; i <= n; i++ {
		in := certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation", NomNaissance: []string{"Arnaud", "Bénard", "Chéreau", "Dumé"}[i],
			Prenoms: "Camille Éloïse", DateNaissance: d(1994, 5, 17), LieuNaissance: "Saint-Étienne (42)", Email: "c@example.fr", Formation: formation, ECF: ecf}
		var ccp []string
		if i == n {
			in.Parcours = "capitalisation"
			in.CCPAnterieurs = []certification.CCPAnterieur{{CCP: "CCP1", VersionCode: "TP-00403-2023", DateObtention: d(2025, 6, 12), SessionReference: "PV-2025-0118"}}
			ccp = []string{"CCP2", "CCP3"}
		}
		c, err := w.svc.CreateCandidat(ctx, w.centre, in)
		if err != nil {
			t.Fatal(err)
		}
		e, err := w.svc.Inscrire(ctx, w.centre, s.ID, c.ID, ccp)
		if err != nil {
			t.Fatalf("%s: %v", in.NomNaissance, err)
		}
		ins = append(ins, e.ID)
	}
	if _, err := w.svc.TenirSession(ctx, w.centre, s.ID); err != nil {
		t.Fatal(err)
	}
	return s.ID, ins
}

// TestHabilitationReferenceImprimable: the reference of an habilitation is
// printed on the PV, so a character the documents cannot print is refused
// when it is typed, and nothing is recorded.
func TestHabilitationReferenceImprimable(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		_, err := w.svc.Habiliter(ctx, w.dreets, w.jury[0], certification.NouvelleHabilitation{TitreCode: "TP-00403",
			Debut: certification.NewDate(2027, 1, 1), Fin: certification.NewDate(2027, 12, 31), Reference: "HAB-☃-2027"})
		var ce *certification.Error
		if !errors.As(err, &ce) || ce.Code != "habilitation_invalide" || len(ce.Fields) != 1 || ce.Fields[0].Field != "reference" {
			t.Fatalf("reference with a snowman: %v, want habilitation_invalide on reference", err)
		}
		ms, err := w.svc.Membres(ctx, w.dreets)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == w.jury[0] && len(m.Habilitations) != 1 {
				t.Errorf("member has %d habilitations after the refusal, want 1", len(m.Habilitations))
			}
		}
	})
}
