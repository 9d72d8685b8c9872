package certification_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// pausingRenderer stops in the PV's rendering, which issuance runs inside
// its write transaction, until the test releases it.
type pausingRenderer struct {
	certification.Renderer
	entered, release chan struct{}
}

func (r *pausingRenderer) PV(d certification.PVData) ([]byte, error) {
	r.entered <- struct{}{}
	<-r.release
	return r.Renderer.PV(d)
}

// TestLecturePendantEmission: while a session's documents are being
// issued, in a write transaction, reads are answered, on the embedded
// database too: a verification, and the list of the documents, which does
// not show the ones not yet committed. If a read waited for the
// transaction, the test would never end: the transaction waits for the
// test.
func TestLecturePendantEmission(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		earlier, err := w.svc.EmettreDocumentsSession(ctx, w.dreets, sealedSession(t, w))
		if err != nil {
			t.Fatal(err)
		}
		id := sealedSession(t, w)
		r := &pausingRenderer{Renderer: certtest.Options(t).Renderer, entered: make(chan struct{}), release: make(chan struct{})}
		o := certtest.Options(t)
		o.Renderer = r
		issuer := certtest.NewServiceWith(t, db, o)
		done := make(chan error, 1)
		go func() {
			_, err := issuer.EmettreDocumentsSession(ctx, w.dreets, id)
			done <- err
		}()
		<-r.entered

		v, err := w.svc.Verifier(ctx, earlier[0].CodeVerification, "", nil)
		if err != nil || v.Numero != earlier[0].Numero {
			t.Errorf("verification during issuance: %+v, %v", v, err)
		}
		pending, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: id})
		if err != nil || len(pending) != 0 {
			t.Errorf("documents of the session during issuance: %d, %v; want none yet", len(pending), err)
		}

		close(r.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		issued, err := w.svc.Documents(ctx, w.dreets, certification.FiltreDocuments{SessionID: id})
		// The PV, a parchemin and a livret, and a fiche de résultats per candidat.
		if err != nil || len(issued) != 5 {
			t.Fatalf("documents of the session after issuance: %d, %v; want 5", len(issued), err)
		}
	})
}
