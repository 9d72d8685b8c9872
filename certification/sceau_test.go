package certification_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// sealedSession validates a session of two candidats, the first with all
// three CCP (a parchemin), the second without CCP3 (a livret), and
// returns its id.
func sealedSession(t *testing.T, w *world) string {
	t.Helper()
	ctx := context.Background()
	id, ins := heldSession(t, w.svc, 2, w.jury, w.centre)
	for i, in := range ins {
		if _, err := w.svc.SaisirPresence(ctx, w.jury1, id, in, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
			e := certification.EvaluationSaisie{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}
			if i == 1 && c == "CCP3" {
				e.Decision, e.Motifs = "non_acquis", "La mise en situation n'a pas montré la conduite d'un entretien de diagnostic."
			}
			if _, err := w.svc.SaisirEvaluation(ctx, w.jury1, id, in, c, 0, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, j := range []certification.Acteur{w.jury1, w.jury2} {
		if _, err := w.svc.SignerPV(ctx, j, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.ValiderPV(ctx, w.dreets, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// checkSealed checks each document of a session: pdfsig finds the seal
// valid and by the certificate named cn, the hash recorded is the hash of
// the bytes served, and the public verification names cn.
func checkSealed(t *testing.T, svc *certification.Service, a certification.Acteur, docs []certification.Document, cn string) {
	t.Helper()
	ctx := context.Background()
	for _, d := range docs {
		full, err := svc.Document(ctx, a, d.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		certtest.CheckSceau(t, full.Contenu, cn)
		if sum := sha256.Sum256(full.Contenu); hex.EncodeToString(sum[:]) != full.Sha256 {
			t.Errorf("%s: the recorded hash is not the hash of the sealed bytes", d.Numero)
		}
		if full.SceauNom != cn || len(full.SceauEmpreinte) != 64 {
			t.Errorf("%s: sealed by %q (%s), want %q", d.Numero, full.SceauNom, full.SceauEmpreinte, cn)
		}
		v, err := svc.Verifier(ctx, d.CodeVerification, "", nil)
		if err != nil || v.Sceau.Nom != cn || v.Sceau.Empreinte != full.SceauEmpreinte {
			t.Errorf("%s: verification names the seal %+v (%v), want %q", d.Numero, v, err, cn)
		}
	}
}

// TestDocumentsScelles: every issued document carries the authority's
// seal, which poppler validates, and says which certificate sealed it.
func TestDocumentsScelles(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		docs, err := w.svc.EmettreDocumentsSession(context.Background(), w.dreets, sealedSession(t, w))
		if err != nil {
			t.Fatal(err)
		}
		types := map[certification.TypeDocument]int{}
		for _, d := range docs {
			types[d.Type]++
		}
		if len(docs) != 5 || types[certification.DocPV] != 1 || types[certification.DocParchemin] != 1 ||
			types[certification.DocLivret] != 1 || types[certification.DocFiche] != 2 {
			t.Fatalf("issued %v, want a PV, a parchemin, a livret and two fiches", types)
		}
		checkSealed(t, w.svc, w.dreets, docs, certtest.NomSceau)
	})
}

// TestRotationDuSceau: after the authority's key and certificate change,
// documents sealed before and after both verify and each names its own
// certificate.
func TestRotationDuSceau(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		before, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sealedSession(t, w))
		if err != nil {
			t.Fatal(err)
		}
		const nouveau = "DREETS de test — sceau renouvelé"
		s2, err := certtest.NewSceau(nouveau)
		if err != nil {
			t.Fatal(err)
		}
		o := certtest.Options(t)
		o.Sceau = s2
		w.svc = certtest.NewServiceWith(t, db, o)
		after, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sealedSession(t, w))
		if err != nil {
			t.Fatal(err)
		}
		checkSealed(t, w.svc, w.dreets, before, certtest.NomSceau)
		checkSealed(t, w.svc, w.dreets, after, nouveau)
		if before[0].SceauEmpreinte == after[0].SceauEmpreinte {
			t.Error("both certificates have the same fingerprint")
		}
	})
}

// TestDocumentsSansSceau: without a configured seal nothing is issued, and
// the autorité is told which settings to give.
func TestDocumentsSansSceau(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	w := newWorld(t, db)
	id := sealedSession(t, w)
	o := certtest.Options(t)
	o.Sceau = nil
	svc := certtest.NewServiceWith(t, db, o)
	_, err := svc.EmettreDocumentsSession(context.Background(), w.dreets, id)
	if !errors.Is(err, certification.ErrConflict) || code(err) != "sceau_non_configure" {
		t.Fatalf("issuance without a seal: %v, want a conflict sceau_non_configure", err)
	}
	var n int64
	if err := db.Table("documents").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d documents written by a refused issuance (%v)", n, err)
	}
}
