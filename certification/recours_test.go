package certification_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// recordedJobs keeps the keys of the messages enqueued; the tests compose
// them with MessageAEnvoyer.
type recordedJobs struct {
	mu   sync.Mutex
	cles []string
}

func (r *recordedJobs) Enqueue(tx *gorm.DB, jobs ...certification.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range jobs {
		if m, ok := j.(certification.MessageJob); ok {
			r.cles = append(r.cles, m.Cle)
		}
	}
	return nil
}

func (r *recordedJobs) List(context.Context, int) ([]certification.Tache, error) { return nil, nil }

func (r *recordedJobs) has(cle string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.cles {
		if c == cle {
			return true
		}
	}
	return false
}

// recoursWorld is a validated session of one candidat who obtained the
// titre, its documents issued.
type recoursWorld struct {
	*world
	spy      *spyRenderer
	jobs     *recordedJobs
	sid      string
	ins      certification.Inscription
	first    []certification.Document
	candidat certification.Acteur
}

func newRecoursWorld(t *testing.T, db *certification.DB) *recoursWorld {
	t.Helper()
	opt := certtest.Options(t)
	spy := &spyRenderer{Renderer: opt.Renderer}
	jobs := &recordedJobs{}
	opt.Renderer, opt.Jobs = spy, jobs
	svc := certtest.NewServiceWith(t, db, opt)
	certtest.SeedWith(t, svc, false)
	w := &world{svc: svc, centre: actor(t, svc, "centre"), jury1: actor(t, svc, "jury1"), jury2: actor(t, svc, "jury2"),
		dreets: actor(t, svc, "dreets")}
	w.jury = habilitatedJury(t, svc, w.dreets, w.jury1, w.jury2)
	ctx := context.Background()
	sid := validatedSession(t, svc, 1, w.jury, w.centre, w.jury1, w.jury2, w.dreets)
	first, err := svc.EmettreDocumentsSession(ctx, w.dreets, sid)
	if err != nil || len(first) != 3 {
		t.Fatalf("issuance: %v, %d documents", err, len(first))
	}
	list, err := svc.Inscriptions(ctx, w.dreets, sid)
	if err != nil {
		t.Fatal(err)
	}
	// The demo candidat's account, acting for the candidat of this session.
	c := actor(t, svc, "candidat")
	c.CandidatID = list[0].CandidatID
	return &recoursWorld{world: w, spy: spy, jobs: jobs, sid: sid, ins: list[0], first: first, candidat: c}
}

func (w *recoursWorld) deposer(t *testing.T, a certification.Acteur, pieces ...certification.PieceJointe) *certification.RecoursAdministratif {
	t.Helper()
	r, err := w.svc.DeposerRecours(context.Background(), a, certification.NouveauRecours{InscriptionID: w.ins.ID, Type: certification.RecoursGracieux,
		Motifs: "Le jury n'a pas tenu compte de mon dossier professionnel.", Pieces: pieces})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// documentsByStatut counts the session's documents by type and statut.
func (w *recoursWorld) documentsByStatut(t *testing.T) map[string]int {
	t.Helper()
	docs, err := w.svc.Documents(context.Background(), w.dreets, certification.FiltreDocuments{SessionID: w.sid})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range docs {
		out[string(d.Type)+"/"+d.Statut]++
	}
	return out
}

// TestRecoursNouvelleDeliberation: the autorité sends the recours back to
// the jury and cannot record anything until two jury members signed the
// same new decision; then the rectified PV supersedes the old one, the
// candidat's new document is issued and the old one is « remplacé ».
func TestRecoursNouvelleDeliberation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		r := w.deposer(t, w.centre)
		if r.DeposeRole != certification.RoleCentre || r.HorsDelai || r.DelaiJusquau == nil || r.Statut != certification.RecoursDepose {
			t.Fatalf("filed by the centre: %+v", r)
		}
		if _, err := w.svc.LireRecours(ctx, w.jury1, r.ID); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("the jury reads a recours not sent back to it: %v", err)
		}
		r, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation,
			Reponse: "Le dossier professionnel n'apparaît pas au PV."})
		if err != nil || r.Statut != certification.RecoursDeliberation {
			t.Fatalf("sent back to the jury: %v %+v", err, r)
		}
		nonAcquis := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Le dossier professionnel ne couvre pas CCP2.", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		prop := certification.PropositionJury{Motif: "Après réexamen du dossier professionnel, CCP2 n'est pas acquis.",
			Decisions: []certification.DecisionCCP{{CCP: "CCP2", Evaluation: nonAcquis}}}

		t.Run("ErrForbidden", func(t *testing.T) {
			if _, err := w.svc.ProposerDeliberation(ctx, w.dreets, r.ID, r.Version, prop); !errors.Is(err, certification.ErrForbidden) {
				t.Errorf("autorité proposing an assessment: %v, want forbidden", err)
			}
			if _, err := w.svc.SignerDeliberation(ctx, w.dreets, r.ID); !errors.Is(err, certification.ErrForbidden) {
				t.Errorf("autorité signing: %v, want forbidden", err)
			}
			if _, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation}); code(err) != "deliberation_incomplete" {
				t.Errorf("autorité recording without the jury: %v, want deliberation_incomplete", err)
			}
		})
		r, err = w.svc.ProposerDeliberation(ctx, w.jury1, r.ID, r.Version, prop)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SignerDeliberation(ctx, w.jury1, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation}); code(err) != "deliberation_incomplete" {
			t.Errorf("recording with one signature: %v, want deliberation_incomplete", err)
		}
		if got := w.documentsByStatut(t); got["pv/valide"] != 1 || got["parchemin/valide"] != 1 {
			t.Fatalf("documents before the jury signed: %v, want unchanged", got)
		}
		r, err = w.svc.SignerDeliberation(ctx, w.jury2, r.ID)
		if err != nil || len(r.Signatures) != 2 || r.SignaturesRequises != 2 {
			t.Fatalf("second signature: %v, %d signatures of %d", err, len(r.Signatures), r.SignaturesRequises)
		}
		r, err = w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation})
		if err != nil || r.Statut != certification.RecoursNouvelleDeliberation || !strings.Contains(r.Reponse, "réexamen") {
			t.Fatalf("recording the jury's decision: %v %+v", err, r)
		}
		pv := w.spy.last(t)
		if rm := pv.Remplace; rm == nil || !strings.Contains(rm.Motif, "Nouvelle délibération") || rm.Numero != w.first[0].Numero {
			t.Errorf("rectified PV replaces %+v, want the new deliberation and %s", rm, w.first[0].Numero)
		}
		if d := pv.Candidats[0].Decisions[1]; d.CCP != "CCP2" || d.Decision != "non acquis" {
			t.Errorf("rectified PV line = %+v, want CCP2 non acquis", d)
		}
		got := w.documentsByStatut(t)
		if got["pv/valide"] != 1 || got["pv/remplace"] != 1 || got["parchemin/remplace"] != 1 || got["livret/valide"] != 1 || got["parchemin/valide"] != 0 {
			t.Errorf("documents after the new deliberation: %v, want the PV and parchemin replaced, a livret issued", got)
		}
		if !w.jobs.has("recours/" + r.ID) {
			t.Errorf("no message enqueued for the recours: %v", w.jobs.cles)
		}
		m, err := w.svc.MessageAEnvoyer(ctx, "recours/"+r.ID)
		if err != nil || !strings.Contains(m.Text, "Nouvelle délibération") || !strings.Contains(m.Text, "recours hiérarchique") {
			t.Errorf("message: %v %+v", err, m)
		}
	})
}

// TestRecoursNouvelleDeliberationSansTitre: a new deliberation that leaves
// the candidat no CCP takes its parchemin back without a replacement; the
// public verification names why: the jury's decision rectified, not a
// transcription the autorité corrected.
func TestRecoursNouvelleDeliberationSansTitre(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		r := w.deposer(t, w.centre)
		r, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation,
			Reponse: "Réexamen des trois CCP."})
		if err != nil {
			t.Fatal(err)
		}
		nonAcquis := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Réexamen : compétences non démontrées.", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		prop := certification.PropositionJury{Motif: "Après réexamen, aucun CCP n'est acquis.",
			Decisions: []certification.DecisionCCP{{CCP: "CCP1", Evaluation: nonAcquis}, {CCP: "CCP2", Evaluation: nonAcquis}, {CCP: "CCP3", Evaluation: nonAcquis}}}
		if r, err = w.svc.ProposerDeliberation(ctx, w.jury1, r.ID, r.Version, prop); err != nil {
			t.Fatal(err)
		}
		for _, m := range []certification.Acteur{w.jury1, w.jury2} {
			if r, err = w.svc.SignerDeliberation(ctx, m, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursNouvelleDeliberation}); err != nil {
			t.Fatal(err)
		}
		docs, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: w.sid})
		if err != nil {
			t.Fatal(err)
		}
		var parchemins int
		for _, d := range docs {
			if d.Type != certification.DocParchemin {
				continue
			}
			parchemins++
			if d.Statut != certification.StatutRevoque || d.CategorieRevocation != certification.RevocationDecisionRectifiee {
				t.Errorf("parchemin %s after the new deliberation: %s, category %q, want revoked as %q", d.Numero, d.Statut,
					d.CategorieRevocation, certification.RevocationDecisionRectifiee)
			}
		}
		if parchemins != 1 {
			t.Errorf("%d parchemins, want the one issued", parchemins)
		}
	})
}

// TestRecoursErreurMaterielle: the candidat files, the autorité corrects
// the decision transcribed wrongly through the correction path; the reason
// names the transcription, the documents follow as after any correction.
func TestRecoursErreurMaterielle(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		r := w.deposer(t, w.candidat)
		if r.DeposeRole != certification.RoleCandidat {
			t.Fatalf("filed by %s", r.DeposeRole)
		}
		nonAcquis := certification.EvaluationSaisie{Decision: "non_acquis", Motifs: "Diagnostic incomplet.", MSP: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		acquis := certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
		if _, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursErreurCorrigee,
			CCP: "CCP2", Evaluation: &acquis, Reponse: "Rien."}); code(err) != "correction_sans_effet" {
			t.Errorf("correcting to what is recorded: %v, want correction_sans_effet", err)
		}
		r, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursErreurCorrigee,
			CCP: "CCP2", Evaluation: &nonAcquis, Reponse: "Le PV manuscrit du jury porte « non acquis »."})
		if err != nil {
			t.Fatal(err)
		}
		const transcription = "la décision du jury sur CCP2 a été transcrite « acquis » au lieu de « non acquis »"
		if r.Statut != certification.RecoursErreurCorrigee || !strings.Contains(r.Reponse, transcription) {
			t.Errorf("recours after the correction: %s %q", r.Statut, r.Reponse)
		}
		if rm := w.spy.last(t).Remplace; rm == nil || !strings.Contains(rm.Motif, transcription) {
			t.Errorf("rectified PV replaces %+v, want the transcription named", rm)
		}
		got := w.documentsByStatut(t)
		if got["pv/valide"] != 1 || got["pv/remplace"] != 1 || got["parchemin/remplace"] != 1 || got["livret/valide"] != 1 {
			t.Errorf("documents after the correction: %v", got)
		}
		seen, err := w.svc.LireRecours(ctx, w.candidat, r.ID)
		if err != nil || !strings.Contains(seen.Reponse, transcription) || seen.ProchainsRecours == "" {
			t.Errorf("the candidat reads %v %+v", err, seen)
		}
	})
}

// TestRecoursRejete: a rejection changes the recours's statut and nothing
// else; the candidat reads the reasons and the remedies left.
func TestRecoursRejete(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		r := w.deposer(t, w.candidat)
		avant := w.documentsByStatut(t)
		evs, err := w.svc.Evenements(ctx, w.dreets, w.sid, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "non_fonde"})
			if code(err) != "decision_recours_invalide" {
				t.Errorf("rejection without reasons: %v", err)
			}
		})
		t.Run("ErrStale", func(t *testing.T) {
			_, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version+1, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "non_fonde", Reponse: "Non."})
			if !errors.Is(err, certification.ErrStale) {
				t.Errorf("stale version: %v", err)
			}
		})
		const raisons = "Le jury a apprécié souverainement le dossier professionnel."
		got, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "non_fonde", Reponse: raisons})
		if err != nil || got.Statut != certification.RecoursRejete || got.Version != r.Version+1 {
			t.Fatalf("rejection: %v %+v", err, got)
		}
		if apres := w.documentsByStatut(t); len(apres) != len(avant) || apres["pv/valide"] != 1 || apres["parchemin/valide"] != 1 {
			t.Errorf("documents after a rejection: %v, want %v", apres, avant)
		}
		list, err := w.svc.Inscriptions(ctx, w.dreets, w.sid)
		if err != nil || *list[0].Issue != "titre" || list[0].Evaluations[1].Version != w.ins.Evaluations[1].Version {
			t.Errorf("enrolment after a rejection: %v %+v", err, list[0])
		}
		if evs2, _ := w.svc.Evenements(ctx, w.dreets, w.sid, ""); len(evs2) != len(evs)+1 || evs2[len(evs2)-1].Action != "recours_decide" {
			t.Errorf("events after the rejection: %d then %d, want only recours_decide added", len(evs), len(evs2))
		}
		seen, err := w.svc.ListeRecours(ctx, w.candidat, certification.FiltreRecours{})
		if err != nil || len(seen) != 1 || seen[0].Reponse != raisons || seen[0].MotifRejet != "non_fonde" ||
			!strings.Contains(seen[0].ProchainsRecours, "recours hiérarchique") {
			t.Errorf("the candidat reads %v %+v", err, seen)
		}
		if _, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, got.Version, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "non_fonde", Reponse: "Encore."}); code(err) != "recours_instruit" {
			t.Errorf("deciding twice: %v", err)
		}
	})
}

// TestRecoursHorsDelai: a recours filed after the period is recorded and
// flagged, never refused; the autorité rejects it as tardif. Past the
// silence date, an open recours shows as such in the worklist.
func TestRecoursHorsDelai(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		base := w.svc.Now()
		w.svc = w.svc.WithClock(func() time.Time { return base.AddDate(0, 3, 0) })
		r := w.deposer(t, w.candidat)
		if !r.HorsDelai || r.DelaiJusquau == nil || !r.DelaiJusquau.Before(certification.DateOf(w.svc.Now())) {
			t.Fatalf("late recours: hors délai %v, délai %v", r.HorsDelai, r.DelaiJusquau)
		}
		late := w.deposerType(t, certification.RecoursHierarchique)
		w.svc = w.svc.WithClock(func() time.Time { return base.AddDate(0, 6, 0) })
		list, err := w.svc.ListeRecours(ctx, w.dreets, certification.FiltreRecours{Ouverts: true})
		if err != nil || len(list) != 2 || !list[0].HorsDelai || !list[0].SilenceDepasse {
			t.Fatalf("worklist: %v %+v", err, list)
		}
		got, err := w.svc.DeciderRecours(ctx, w.dreets, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "tardif",
			Reponse: "Le recours a été formé après le délai de deux mois mentionné dans la notification."})
		if err != nil || got.Statut != certification.RecoursRejete || got.MotifRejet != "tardif" {
			t.Errorf("rejected as tardif: %v %+v", err, got)
		}
		if l, _ := w.svc.ListeRecours(ctx, w.dreets, certification.FiltreRecours{Ouverts: true}); len(l) != 1 || l[0].ID != late.ID {
			t.Errorf("open recours after the rejection: %+v", l)
		}
	})
}

func (w *recoursWorld) deposerType(t *testing.T, typ certification.TypeRecours) *certification.RecoursAdministratif {
	t.Helper()
	r, err := w.svc.DeposerRecours(context.Background(), w.centre, certification.NouveauRecours{InscriptionID: w.ins.ID, Type: typ,
		Motifs: "Recours auprès du ministre."})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRecoursPieces: files are PDF, PNG or JPEG by their content whatever
// their name, within the limits, stored with their SHA-256; a refused file
// writes nothing. Another territory, another centre see nothing.
func TestRecoursPieces(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newRecoursWorld(t, db)
		ctx := context.Background()
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 200)...)
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
		cas := []struct {
			nom    string
			pieces []certification.PieceJointe
			code   string
		}{
			{"exécutable renommé", []certification.PieceJointe{{Nom: "attestation.pdf", Contenu: exe}}, "piece_type_refuse"},
			{"ELF", []certification.PieceJointe{{Nom: "scan.png", Contenu: append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)}}, "piece_type_refuse"},
			{"trop gros", []certification.PieceJointe{{Nom: "gros.pdf", Contenu: append(pdf, make([]byte, certification.MaxPieceRecours)...)}}, "piece_trop_volumineuse"},
			{"vide", []certification.PieceJointe{{Nom: "vide.pdf"}}, "piece_vide"},
		}
		for _, c := range cas {
			_, err := w.svc.DeposerRecours(ctx, w.candidat, certification.NouveauRecours{InscriptionID: w.ins.ID, Type: certification.RecoursGracieux,
				Motifs: "Motifs.", Pieces: c.pieces})
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.nom, err, c.code)
			}
		}
		if l, err := w.svc.ListeRecours(ctx, w.dreets, certification.FiltreRecours{}); err != nil || len(l) != 0 {
			t.Fatalf("refused files wrote %d recours (%v)", len(l), err)
		}
		r := w.deposer(t, w.candidat, certification.PieceJointe{Nom: `C:\Documents\relevé.pdf`, Contenu: pdf})
		p, err := w.svc.AjouterPiece(ctx, w.centre, r.ID, certification.PieceJointe{Nom: "photo.jpg", Contenu: png})
		if err != nil || p.TypeContenu != "image/png" {
			t.Fatalf("PNG named .jpg: %v %+v", err, p)
		}
		if _, err := w.svc.AjouterPiece(ctx, w.centre, r.ID, certification.PieceJointe{Nom: "x.pdf", Contenu: exe}); code(err) != "piece_type_refuse" {
			t.Errorf("executable added: %v", err)
		}
		got, err := w.svc.LireRecours(ctx, w.dreets, r.ID)
		if err != nil || len(got.Pieces) != 2 {
			t.Fatalf("pieces: %v %+v", err, got)
		}
		sum := sha256.Sum256(pdf)
		if pc := got.Pieces[0]; pc.Nom != "relevé.pdf" || pc.TypeContenu != "application/pdf" || pc.SHA256 != hex.EncodeToString(sum[:]) || pc.Taille != len(pdf) {
			t.Errorf("first piece: %+v", pc)
		}
		b, err := w.svc.PieceRecoursContenu(ctx, w.dreets, r.ID, got.Pieces[0].ID)
		if err != nil || string(b.Contenu) != string(pdf) {
			t.Errorf("bytes of the piece: %v", err)
		}

		t.Run("ErrNotFound", func(t *testing.T) {
			pdl, centre2 := actor(t, w.svc, "dreets-pdl"), actor(t, w.svc, "centre2")
			if _, err := w.svc.LireRecours(ctx, pdl, r.ID); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("another territory reads: %v", err)
			}
			if _, err := w.svc.PieceRecoursContenu(ctx, centre2, r.ID, got.Pieces[0].ID); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("another centre reads a piece: %v", err)
			}
			if _, err := w.svc.DeposerRecours(ctx, centre2, certification.NouveauRecours{InscriptionID: w.ins.ID, Type: certification.RecoursGracieux, Motifs: "x"}); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("another centre files: %v", err)
			}
			if _, err := w.svc.DeciderRecours(ctx, pdl, r.ID, r.Version, certification.DecisionRecours{Issue: certification.RecoursRejete, MotifRejet: "tardif", Reponse: "x"}); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("another territory decides: %v", err)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			_, err := w.svc.DeposerRecours(ctx, w.centre, certification.NouveauRecours{InscriptionID: w.ins.ID, Type: certification.RecoursGracieux, Motifs: "Encore."})
			if code(err) != "recours_en_cours" {
				t.Errorf("second gracieux while one is open: %v", err)
			}
		})
	})
}
