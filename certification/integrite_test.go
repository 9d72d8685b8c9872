package certification_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// spyRenderer records the data of the PVs it renders.
type spyRenderer struct {
	certification.Renderer
	mu         sync.Mutex
	pvs        []certification.PVData
	parchemins []certification.ParcheminData
	fiches     []certification.FicheData
}

func (r *spyRenderer) Parchemin(p certification.ParcheminData) ([]byte, error) {
	r.mu.Lock()
	r.parchemins = append(r.parchemins, p)
	r.mu.Unlock()
	return r.Renderer.Parchemin(p)
}

func (r *spyRenderer) Fiche(f certification.FicheData) ([]byte, error) {
	r.mu.Lock()
	r.fiches = append(r.fiches, f)
	r.mu.Unlock()
	return r.Renderer.Fiche(f)
}

func (r *spyRenderer) PV(p certification.PVData) ([]byte, error) {
	r.mu.Lock()
	r.pvs = append(r.pvs, p)
	r.mu.Unlock()
	return r.Renderer.PV(p)
}

func (r *spyRenderer) last(t *testing.T) certification.PVData {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pvs) == 0 {
		t.Fatal("no PV rendered")
	}
	return r.pvs[len(r.pvs)-1]
}

// newSpyWorld is newWorld with a renderer that records the PVs.
func newSpyWorld(t *testing.T, db *certification.DB) (*world, *spyRenderer) {
	t.Helper()
	opt := certtest.Options(t)
	spy := &spyRenderer{Renderer: opt.Renderer}
	opt.Renderer = spy
	svc := certtest.NewServiceWith(t, db, opt)
	certtest.SeedWith(t, svc, false)
	w := &world{svc: svc, centre: actor(t, svc, "centre"), jury1: actor(t, svc, "jury1"), jury2: actor(t, svc, "jury2"),
		dreets: actor(t, svc, "dreets")}
	w.jury = habilitatedJury(t, svc, w.dreets, w.jury1, w.jury2)
	return w, spy
}

// thirdJury opens a third jury account, habilitated, and returns it with its member id.
func (w *world) thirdJury(t *testing.T) (certification.Acteur, string) {
	t.Helper()
	ctx := context.Background()
	admin := actor(t, w.svc, "admin")
	if _, err := w.svc.CreateUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "jury3", Nom: "Lucie Roche",
		MotDePasse: "jury3-mot-de-passe-long", Role: certification.RoleJury}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := w.svc.Connexion(ctx, "jury3", "jury3-mot-de-passe-long")
	if err != nil {
		t.Fatal(err)
	}
	j3, err := w.svc.Authentifier(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return j3, habilitatedJury(t, w.svc, w.dreets, j3)[0]
}

// recordAll records, as member j, every candidat of a session present with
// every CCP acquis and a favourable entretien final.
func recordAll(t *testing.T, w *world, j certification.Acteur, sid string, ins []string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ins {
		if _, err := w.svc.SaisirPresence(ctx, j, sid, id, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
			if _, err := w.svc.SaisirEvaluation(ctx, j, sid, id, c, 0, certification.EvaluationSaisie{Decision: "acquis",
				MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func code(err error) string {
	var de *certification.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}

// TestLienAbstentionDeliberation: a member linked to a candidat does not
// deliberate on it. With two members, the candidat would be judged by one:
// the signature is refused. With three, the PV records the abstention, and
// the linked member sees neither that candidat's line of the draft PV nor
// its livret preview.
func TestLienAbstentionDeliberation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()

		sid, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
		list, err := w.svc.Inscriptions(ctx, w.centre, sid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DeclarerLien(ctx, w.jury1, w.jury[0], list[0].CandidatID, "formateur"); err != nil {
			t.Fatal(err)
		}
		recordAll(t, w, w.jury2, sid, ins)
		_, err = w.svc.SignerPV(ctx, w.jury2, sid)
		if !errors.Is(err, certification.ErrInvalid) || code(err) != "jury_independant_insuffisant" {
			t.Fatalf("signature with one member free of links for a candidat: %v, want jury_independant_insuffisant", err)
		}
		if _, err := w.svc.SignerPV(ctx, w.jury1, sid); code(err) != "jury_independant_insuffisant" {
			t.Fatalf("signature by the linked member: %v, want jury_independant_insuffisant", err)
		}

		j3, m3 := w.thirdJury(t)
		sid, ins = heldSession(t, w.svc, 2, append(slices.Clone(w.jury), m3), w.centre)
		list, err = w.svc.Inscriptions(ctx, w.centre, sid)
		if err != nil {
			t.Fatal(err)
		}
		linked, free := list[0], list[1]
		if _, err := w.svc.DeclarerLien(ctx, w.centre, w.jury[0], linked.CandidatID, "tuteur"); err != nil {
			t.Fatal(err)
		}
		recordAll(t, w, w.jury2, sid, ins)

		if _, err := w.svc.BrouillonPV(ctx, w.jury1, sid); err != nil {
			t.Fatal(err)
		}
		draft := spy.last(t)
		if len(draft.Candidats) != 1 || draft.Candidats[0].Nom != free.Prenoms+" "+free.NomNaissance {
			t.Errorf("draft PV shown to the linked member lists %+v, want only %s", draft.Candidats, free.NomNaissance)
		}
		if _, err := w.svc.ApercuLivret(ctx, w.jury1, sid, linked.ID); code(err) != "lien_avec_candidat" {
			t.Errorf("livret preview of a linked candidat for the member: %v, want lien_avec_candidat", err)
		}
		if _, err := w.svc.ApercuLivret(ctx, w.jury2, sid, linked.ID); err != nil {
			t.Errorf("livret preview for a member without a link: %v", err)
		}

		for _, j := range []certification.Acteur{w.jury1, w.jury2, j3} {
			if _, err := w.svc.SignerPV(ctx, j, sid); err != nil {
				t.Fatalf("signature by %s: %v", j.Identifiant, err)
			}
		}
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		pv := spy.last(t)
		if len(pv.Candidats) != 2 {
			t.Fatalf("issued PV lists %d candidats, want 2", len(pv.Candidats))
		}
		for _, c := range pv.Candidats {
			want := []string(nil)
			if c.Nom == linked.Prenoms+" "+linked.NomNaissance {
				want = []string{"Membre " + w.jury1.Nom}
			}
			if !slices.Equal(c.Abstentions, want) {
				t.Errorf("PV line of %s: abstentions %v, want %v", c.Nom, c.Abstentions, want)
			}
		}
	})
}

// plannedSession plans and declares a session titre of the demo centre on day.
func (w *world) plannedSession(t *testing.T, day certification.Date) *certification.Session {
	t.Helper()
	ctx := context.Background()
	s, err := w.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: day, Fin: day, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: w.jury})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = w.svc.DeclarerSession(ctx, w.centre, s.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

// formationCandidat registers a training candidat with the ECF of every CCP.
func (w *world) formationCandidat(t *testing.T, nom string) *certification.Candidat {
	t.Helper()
	d := certification.NewDate
	c, err := w.svc.CreateCandidat(context.Background(), w.centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
		NomNaissance: nom, Prenoms: "Léa", DateNaissance: d(1998, 4, 12), LieuNaissance: "Annecy (74)", Email: "lea@example.fr",
		Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)},
		ECF:       []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)}, {CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDoubleInscriptionEtRetrait: a candidat enrolled for a CCP in a session
// not yet deliberated cannot be enrolled for it in another one; withdrawn
// from the first, with a reason that the trail keeps, it can.
func TestDoubleInscriptionEtRetrait(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		first := w.plannedSession(t, certification.NewDate(2026, 12, 7))
		second := w.plannedSession(t, certification.NewDate(2026, 12, 14))
		c := w.formationCandidat(t, "Durand")
		in, err := w.svc.Inscrire(ctx, w.centre, first.ID, c.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Inscrire(ctx, w.centre, second.ID, c.ID, nil)
		if !errors.Is(err, certification.ErrInvalid) || code(err) != "double_inscription" {
			t.Fatalf("second enrolment for the same CCP: %v, want double_inscription", err)
		}
		if err := w.svc.RetirerInscription(ctx, w.centre, first.ID, in.ID, " "); code(err) != "motif_requis" {
			t.Errorf("withdrawal without a reason: %v, want motif_requis", err)
		}
		other := actor(t, w.svc, "centre2")
		if err := w.svc.RetirerInscription(ctx, other, first.ID, in.ID, "Erreur de saisie"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("withdrawal by another centre: %v, want ErrNotFound", err)
		}
		if err := w.svc.RetirerInscription(ctx, w.centre, first.ID, in.ID, "Le candidat a déménagé à Nantes."); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.RetirerInscription(ctx, w.centre, first.ID, in.ID, "Encore"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("second withdrawal: %v, want ErrNotFound", err)
		}
		if list, err := w.svc.Inscriptions(ctx, w.centre, first.ID); err != nil || len(list) != 0 {
			t.Errorf("first session after the withdrawal lists %d enrolments (%v), want 0", len(list), err)
		}
		if _, err := w.svc.Inscrire(ctx, w.centre, second.ID, c.ID, nil); err != nil {
			t.Fatalf("enrolment after the withdrawal: %v", err)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, first.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, e := range evs {
			if e.Action == "inscription_retiree" && e.ObjetID == in.ID && e.Apres == `{"motif_retrait":"Le candidat a déménagé à Nantes."}` {
				seen = true
			}
		}
		if !seen {
			t.Error("no inscription_retiree event with the reason in the first session's trail")
		}

		sid, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
		if err := w.svc.RetirerInscription(ctx, w.centre, sid, ins[0], "Trop tard"); !errors.Is(err, certification.ErrConflict) || code(err) != "retrait_impossible" {
			t.Errorf("withdrawal from a held session: %v, want retrait_impossible", err)
		}
	})
}

// TestDeclarationTardive: the centre declares a session before its first
// day; once it has begun, only the autorité records the declaration, with a
// reason that the session and its trail keep.
func TestDeclarationTardive(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		day := certification.NewDate(2026, 11, 20)
		s, err := w.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: day, Fin: day, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: w.jury})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.DeclarerSession(ctx, w.centre, s.ID)
		if !errors.Is(err, certification.ErrInvalid) || code(err) != "declaration_tardive" {
			t.Fatalf("centre declaring a session begun three days ago: %v, want declaration_tardive", err)
		}
		if _, err := w.svc.RegulariserDeclaration(ctx, w.centre, s.ID, "Oubli"); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("centre regularising: %v, want ErrForbidden", err)
		}
		if _, err := w.svc.RegulariserDeclaration(ctx, w.dreets, s.ID, ""); code(err) != "motif_requis" {
			t.Errorf("regularisation without a reason: %v, want motif_requis", err)
		}
		const motif = "Déclaration reçue par courrier le 18/11, saisie tardive."
		got, err := w.svc.RegulariserDeclaration(ctx, w.dreets, s.ID, motif)
		if err != nil || got.Statut != certification.Declaree || got.MotifRegularisation != motif {
			t.Fatalf("regularisation: %v %+v", err, got)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, s.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, e := range evs {
			if e.Action == "session_declaree" && e.Role == certification.RoleAutorite && strings.Contains(e.Apres, motif) {
				seen = true
			}
		}
		if !seen {
			t.Error("no session_declaree event by the autorité with the reason")
		}
		future := w.plannedSession(t, certification.NewDate(2026, 12, 7))
		if future.MotifRegularisation != "" {
			t.Errorf("a declaration on time carries a regularisation reason %q", future.MotifRegularisation)
		}
	})
}

// heldWith plans, declares and holds a session of the given type today for
// the candidats, enrolled for ccp (all the session's when nil).
func (w *world) heldWith(t *testing.T, typ string, ccp []string, candidats ...string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	today := certification.DateOf(w.svc.Now())
	s, err := w.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: typ, CCP: ccp,
		Debut: today, Fin: today, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: w.jury})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.DeclarerSession(ctx, w.centre, s.ID); err != nil {
		t.Fatal(err)
	}
	var ins []string
	for _, c := range candidats {
		in, err := w.svc.Inscrire(ctx, w.centre, s.ID, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in.ID)
	}
	if _, err := w.svc.TenirSession(ctx, w.centre, s.ID); err != nil {
		t.Fatal(err)
	}
	return s.ID, ins
}

// TestECFVAERefuseALaSaisie: a decision resting on ECF for a VAE candidat
// is refused when the jury records it, not at the signature of the PV.
func TestECFVAERefuseALaSaisie(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		vae := w.candidat(t, "Nguyễn")
		sid, ins := w.heldWith(t, "titre", nil, vae.ID)
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, ins[0], 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		avecECF := certification.EvaluationSaisie{Decision: "acquis", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		_, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0, avecECF)
		if !errors.Is(err, certification.ErrInvalid) || code(err) != "ecf_vae" {
			t.Fatalf("decision with ECF for a VAE candidat: %v, want ecf_vae when recorded", err)
		}
		list, err := w.svc.Inscriptions(ctx, w.centre, sid)
		if err != nil || len(list[0].Evaluations) != 0 {
			t.Fatalf("after the refusal the enrolment holds %+v (%v), want no decision", list[0].Evaluations, err)
		}
		sansECF := avecECF
		sansECF.EcfPrisEnCompte = false
		if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], "CCP1", 0, sansECF); err != nil {
			t.Errorf("decision without ECF for a VAE candidat: %v", err)
		}
	})
}

// TestPoursuiteApresReussitePartielle: a candidat in partial success
// capitalises the missing CCP at a session CCP without a new recevabilité
// (from the VAE) or new training evidence (capitalisation).
func TestPoursuiteApresReussitePartielle(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		vae := w.candidat(t, "Nguyễn")
		sid, ins := w.heldWith(t, "titre", nil, vae.ID)
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, sid, ins[0], 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		for c, decision := range map[string]string{"CCP1": "acquis", "CCP2": "non_acquis", "CCP3": "acquis"} {
			e := certification.EvaluationSaisie{Decision: decision, Motifs: "Diagnostic incomplet.", MSP: true, DossierProfessionnel: true}
			if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, sid, ins[0], c, 0, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, j := range []certification.Acteur{w.jury1, w.jury2} {
			if _, err := w.svc.SignerPV(ctx, j, sid); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}

		// Four months later, with a recevabilité for a session titre only.
		later := *w
		later.svc = w.svc.WithClock(func() time.Time { return certtest.Now.AddDate(0, 4, 0) })
		day := certification.NewDate(2027, 3, 29)
		s, err := later.svc.CreateSession(ctx, w.centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "ccp",
			CCP: []string{"CCP2"}, Debut: day, Fin: day, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: w.jury})
		if err != nil {
			t.Fatal(err)
		}
		in, err := later.svc.Inscrire(ctx, w.centre, s.ID, vae.ID, []string{"CCP2"})
		if err != nil {
			t.Fatalf("VAE candidat in partial success enrolled for the missing CCP: %v, want accepted without a new recevabilité", err)
		}
		if !in.EntretienFinalDu {
			t.Error("the last missing CCP: the entretien final is due")
		}

		d := certification.NewDate
		cap, err := w.svc.CreateCandidat(ctx, w.centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "capitalisation",
			NomNaissance: "Moreau", Prenoms: "Inès", DateNaissance: d(1985, 7, 3), LieuNaissance: "Vienne (38)", Email: "ines@example.fr",
			CCPAnterieurs: []certification.CCPAnterieur{{CCP: "CCP1", VersionCode: "TP-00403-2023", DateObtention: d(2025, 6, 12), SessionReference: "S-2025-LYON-07"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := later.svc.Inscrire(ctx, w.centre, s.ID, cap.ID, []string{"CCP2"}); err != nil {
			t.Errorf("capitalisation candidat holding CCP1, without training, enrolled for CCP2: %v, want accepted", err)
		}
	})
}

// TestHistoriqueRecevabilites: a new notification de recevabilité does not
// erase the first; eligibility takes the one in force for the session's
// date and type.
func TestHistoriqueRecevabilites(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.candidat(t, "Nguyễn")
		first := *c.Recevabilite
		in := saisieOf(c)
		in.Recevabilite = &certification.Recevabilite{DateNotification: certification.NewDate(2026, 11, 2), Reference: "VAE-69-2026-0977",
			DDETS: "DDETS du Rhône", MoisExperience: 40, TypeSession: "ccp"}
		got, err := w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Recevabilites) != 2 || got.Recevabilites[0] != first || got.Recevabilites[1] != *in.Recevabilite || *got.Recevabilite != *in.Recevabilite {
			t.Fatalf("recevabilités after a second notification = %+v (latest %+v), want both, oldest first", got.Recevabilites, got.Recevabilite)
		}
		// The same notification sent again with the next update is not a new one.
		again := saisieOf(got)
		again.Email = "hoa.nguyen@nouveau.example.fr"
		if got, err = w.svc.UpdateCandidat(ctx, w.centre, c.ID, got.Version, again); err != nil || len(got.Recevabilites) != 2 {
			t.Fatalf("update repeating the notification: %v, %d recevabilités, want 2", err, len(got.Recevabilites))
		}
		s := w.plannedSession(t, certification.NewDate(2026, 12, 7))
		if _, err := w.svc.Inscrire(ctx, w.centre, s.ID, c.ID, nil); err != nil {
			t.Errorf("session titre covered by the first notification: %v, want enrolled", err)
		}
	})
}

// TestCorrectionRectifiePV: a correction after validation issues, in its
// transaction, a rectified PV and the candidat's document as the record now
// stands, the previous ones replaced; of corrections read at one version,
// one wins and the others are stale.
func TestCorrectionRectifiePV(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()
		sid := validatedSession(t, w.svc, 1, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
		first, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
		if err != nil || len(first) != 3 {
			t.Fatalf("issuance: %v, %d documents", err, len(first))
		}
		list, err := w.svc.Inscriptions(ctx, w.dreets, sid)
		if err != nil {
			t.Fatal(err)
		}
		in := list[0]
		const motif = "Erreur de report : le jury avait déclaré CCP2 non acquis."
		nonAcquis := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Diagnostic incomplet.", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		got, err := w.svc.CorrigerEvaluationVersion(ctx, w.dreets, sid, in.ID, "CCP2", in.Evaluations[1].Version, motif, nonAcquis)
		if err != nil || got.Issue == nil || *got.Issue != "partiel" {
			t.Fatalf("correction: %v %+v", err, got)
		}
		pv := spy.last(t)
		if r := pv.Remplace; r == nil || !strings.Contains(r.Motif, "erreur matérielle") || r.Numero != first[0].Numero || !r.EmisAt.Equal(first[0].EmisAt) {
			t.Errorf("rectified PV replaces %+v, want the material error, the number and the time of issue of %s", r, first[0].Numero)
		}
		if d := pv.Candidats[0].Decisions[1]; d.CCP != "CCP2" || d.Decision != "non acquis" || pv.Candidats[0].Issue != "Réussite partielle" {
			t.Errorf("rectified PV line = %+v, want CCP2 non acquis, réussite partielle", pv.Candidats[0])
		}
		for _, old := range first {
			v, err := w.svc.Verifier(ctx, old.CodeVerification, "", nil)
			if err != nil || v.Statut != certification.StatutRemplace || v.RemplacePar == "" {
				t.Errorf("verification of %s after the correction: %+v (%v), want remplacé with its successor", old.Numero, v, err)
			}
		}
		docs, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		valid := map[certification.TypeDocument]int{}
		for _, d := range docs {
			if d.Statut == certification.StatutValide {
				valid[d.Type]++
			}
		}
		if valid[certification.DocPV] != 1 || valid[certification.DocLivret] != 1 || valid[certification.DocParchemin] != 0 {
			t.Errorf("valid documents after the correction = %v, want one PV and one livret", valid)
		}
		if again, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid); err != nil || len(again) != 0 {
			t.Errorf("issuance after the correction issued %d documents (%v), want none: they follow the correction", len(again), err)
		}

		cur, err := w.svc.Inscriptions(ctx, w.dreets, sid)
		if err != nil {
			t.Fatal(err)
		}
		acquis := nonAcquis
		acquis.Decision, acquis.Motifs = "acquis", ""
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = w.svc.CorrigerEvaluationVersion(ctx, w.dreets, sid, in.ID, "CCP2", cur[0].Evaluations[1].Version, fmt.Sprintf("Erreur de report n° %d.", i), acquis)
			}()
		}
		close(start)
		wg.Wait()
		var ok, stale int
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, certification.ErrStale):
				stale++
			default:
				t.Errorf("parallel correction: %v", err)
			}
		}
		if ok != 1 || stale != n-1 {
			t.Errorf("parallel corrections at one version: %d succeeded, %d stale; want 1 and %d", ok, stale, n-1)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, sid, "")
		if err != nil {
			t.Fatal(err)
		}
		var revocations int
		for _, e := range evs {
			if e.Action == "revocation" && strings.Contains(e.Apres, `"nature":"erreur_materielle"`) {
				revocations++
			}
		}
		if revocations != 2 {
			t.Errorf("%d revocations recorded as material errors, want 2", revocations)
		}
		verifierSommaire(t, db, "parallel corrections")
	})
}

// TestIdentiteApresDeliberation: once a result is deliberated the centre
// can no longer rewrite the civil identity; the autorité rectifies it with a
// reason and a supporting document, and the candidat's documents are issued
// again in the same transaction, the previous ones replaced.
func TestIdentiteApresDeliberation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		sid := validatedSession(t, w.svc, 1, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
		list, err := w.svc.Inscriptions(ctx, w.dreets, sid)
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.svc.Candidat(ctx, w.centre, list[0].CandidatID)
		if err != nil {
			t.Fatal(err)
		}
		in := saisieOf(c)
		in.NomUsage = "Martin"
		if c, err = w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, in); err != nil {
			t.Fatalf("a change outside the civil identity: %v", err)
		}
		for _, change := range []func(*certification.CandidatSaisie){
			func(s *certification.CandidatSaisie) { s.NomNaissance = "Lefebvre" },
			func(s *certification.CandidatSaisie) { s.Prenoms = "Camille" },
			func(s *certification.CandidatSaisie) { s.DateNaissance = certification.NewDate(1994, 5, 18) },
			func(s *certification.CandidatSaisie) { s.LieuNaissance = "Lyon (69)" },
		} {
			in := saisieOf(c)
			change(&in)
			if _, err := w.svc.UpdateCandidat(ctx, w.centre, c.ID, c.Version, in); !errors.Is(err, certification.ErrConflict) || code(err) != "identite_verrouillee" {
				t.Errorf("centre rewriting the identity after deliberation: %v, want identite_verrouillee", err)
			}
		}
		issued, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
		if err != nil || len(issued) != 3 || issued[1].Type != certification.DocParchemin || issued[2].Type != certification.DocFiche {
			t.Fatalf("issuance: %v %+v", err, issued)
		}
		rect := certification.IdentiteRectifiee{Identite: certification.Identite{NomNaissance: "Lefebvre", Prenoms: c.Prenoms,
			DateNaissance: c.DateNaissance, LieuNaissance: c.LieuNaissance}, Motif: "Erreur de transcription du nom de naissance."}
		if _, err := w.svc.RectifierIdentite(ctx, w.dreets, c.ID, c.Version, rect); code(err) != "rectification_invalide" {
			t.Errorf("rectification without a supporting document: %v, want rectification_invalide", err)
		}
		rect.PieceJustificative = "Extrait d'acte de naissance n° 2026-1147"
		if _, err := w.svc.RectifierIdentite(ctx, w.centre, c.ID, c.Version, rect); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("rectification by the centre: %v, want ErrForbidden", err)
		}
		if _, err := w.svc.RectifierIdentite(ctx, w.dreets, c.ID, c.Version-1, rect); !errors.Is(err, certification.ErrStale) {
			t.Errorf("rectification at a stale version: %v, want ErrStale", err)
		}
		got, err := w.svc.RectifierIdentite(ctx, w.dreets, c.ID, c.Version, rect)
		if err != nil || got.NomNaissance != "Lefebvre" || got.NomUsage != "Martin" {
			t.Fatalf("rectification: %v %+v", err, got)
		}
		v, err := w.svc.Verifier(ctx, issued[1].CodeVerification, "", nil)
		if err != nil || v.Statut != certification.StatutRemplace || v.RemplacePar == "" || v.RemplacePar == issued[1].Numero {
			t.Errorf("verification of the former parchemin: %+v (%v), want remplacé by a new number", v, err)
		}
		docs, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{CandidatID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		var valid, fiches []certification.Document
		for _, d := range docs {
			switch {
			case d.Statut != certification.StatutValide:
			case d.Type == certification.DocFiche:
				fiches = append(fiches, d)
			default:
				valid = append(valid, d)
			}
		}
		if len(fiches) != 1 || fiches[0].TitulaireNom != "Lefebvre" {
			t.Errorf("valid fiches after the rectification = %+v, want one in the name of Lefebvre", fiches)
		}
		if len(valid) != 1 || valid[0].Type != certification.DocParchemin || valid[0].TitulaireNom != "Lefebvre" || valid[0].Numero != v.RemplacePar {
			t.Errorf("valid documents after the rectification = %+v, want the new parchemin in the name of Lefebvre", valid)
		}
		evs, err := w.svc.Evenements(ctx, w.dreets, "", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, e := range evs {
			if e.Action == "identite_rectifiee" && strings.Contains(e.Apres, "2026-1147") && strings.Contains(e.Avant, "Lefèvre") {
				seen = true
			}
		}
		if !seen {
			t.Error("no identite_rectifiee event with the former identity and the supporting document")
		}
	})
}

// TestAutoriteTerritoriale: an autorité acts only on the sessions,
// candidats, documents and trail of the centres in its territory; the
// documents print the authority that validated the PV; the administrator
// sees everything.
func TestAutoriteTerritoriale(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w, spy := newSpyWorld(t, db)
		ctx := context.Background()
		pdl := actor(t, w.svc, "dreets-pdl")
		if pdl.Territoire.Region != "Pays de la Loire" || w.dreets.Territoire.Autorite != "DREETS Auvergne-Rhône-Alpes" {
			t.Fatalf("territories: %+v / %+v", pdl.Territoire, w.dreets.Territoire)
		}
		sid, ins := heldSession(t, w.svc, 1, w.jury, w.centre)
		recordAll(t, w, w.jury1, sid, ins)
		for _, j := range []certification.Acteur{w.jury1, w.jury2} {
			if _, err := w.svc.SignerPV(ctx, j, sid); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.Session(ctx, pdl, sid); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another region's session: %v, want ErrNotFound", err)
		}
		if _, err := w.svc.ValiderPV(ctx, pdl, sid); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("validating another region's PV: %v, want ErrNotFound", err)
		}
		list, err := w.svc.Inscriptions(ctx, w.dreets, sid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Candidat(ctx, pdl, list[0].CandidatID); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another region's candidat: %v, want ErrNotFound", err)
		}
		if _, err := w.svc.Evenements(ctx, pdl, sid, ""); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another region's trail: %v, want ErrNotFound", err)
		}
		if ss, err := w.svc.Sessions(ctx, pdl); err != nil || len(ss) != 0 {
			t.Errorf("sessions of the Pays de la Loire: %d (%v), want none", len(ss), err)
		}
		if _, err := w.svc.ValiderPV(ctx, w.dreets, sid); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.EmettreDocumentsSession(ctx, pdl, sid); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("issuing another region's documents: %v, want ErrNotFound", err)
		}
		docs, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sid)
		if err != nil || len(docs) != 3 {
			t.Fatalf("issuance by the competent DREETS: %v, %d documents", err, len(docs))
		}
		if pv := spy.last(t); pv.EnTete.Service != "DREETS Auvergne-Rhône-Alpes" {
			t.Errorf("PV issued by %q, want the validating account's authority", pv.EnTete.Service)
		}
		if _, err := w.svc.Document(ctx, pdl, docs[0].ID, false); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another region's document: %v, want ErrNotFound", err)
		}
		admin := actor(t, w.svc, "admin")
		if _, err := w.svc.Session(ctx, admin, sid); err != nil {
			t.Errorf("the administrator reading the session: %v", err)
		}

		// The Nantes centre's session is the Pays de la Loire's.
		centre2 := actor(t, w.svc, "centre2")
		day := certification.NewDate(2026, 12, 7)
		s, err := w.svc.CreateSession(ctx, centre2, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: day, Fin: day, Lieu: "Nantes", Responsable: "Paul Bernard", Jury: w.jury})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Session(ctx, pdl, s.ID); err != nil {
			t.Errorf("the Pays de la Loire reading a Nantes session: %v", err)
		}
		if _, err := w.svc.AnnulerSession(ctx, w.dreets, s.ID, "Hors délai"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("Auvergne-Rhône-Alpes cancelling a Nantes session: %v, want ErrNotFound", err)
		}
	})
}

// TestCodeRegleInscriptionCandidat: a registration a business rule refuses
// answers with the rule's own code, not the generic candidat_invalide.
func TestCodeRegleInscriptionCandidat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		in := saisieOf(w.candidat(t, "Nguyễn"))
		in.NomNaissance = "Tran"
		in.ECF = []certification.ECF{{CCP: "CCP1", DateEvaluation: certification.NewDate(2026, 3, 20)}}
		_, err := w.svc.CreateCandidat(context.Background(), w.centre, in)
		var de *certification.Error
		if !errors.Is(err, certification.ErrInvalid) || !errors.As(err, &de) || de.Code != "ecf_vae" || len(de.Fields) != 1 || de.Fields[0].Field != "ecf" {
			t.Fatalf("VAE candidat registered with ECF: %v, want 422 ecf_vae naming the field", err)
		}
		in.ECF, in.NomNaissance = nil, " "
		if _, err := w.svc.CreateCandidat(context.Background(), w.centre, in); code(err) != "candidat_invalide" {
			t.Errorf("malformed input: %v, want candidat_invalide", err)
		}
	})
}
