package certification_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// intituleCCP1 is the intitulé of the first CCP of the first version of
// TP-00403, as the service reads it now.
func intituleCCP1(t *testing.T, svc *certification.Service) string {
	t.Helper()
	ti, err := svc.Titre(context.Background(), "TP-00403")
	if err != nil {
		t.Fatal(err)
	}
	return ti.Versions[0].Blocs[0].Intitule
}

// TestReferentielCache: the référentiel is read from the process's copy
// while its generation stands still, and from the database as soon as a
// write (from any process) moves it; a rolled-back write leaves no trace in
// the copy; what a caller does to the titres it got does not reach it.
func TestReferentielCache(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		if err := fixtures.LoadReferentiel(ctx, svc); err != nil {
			t.Fatal(err)
		}
		orig := intituleCCP1(t, svc)

		// A change that does not move the generation is not seen: the
		// copy is what was read.
		if err := db.Exec(`UPDATE blocs SET intitule = 'Changé sans le dire'`).Error; err != nil {
			t.Fatal(err)
		}
		if got := intituleCCP1(t, svc); got != orig {
			t.Errorf("read %q with the generation unchanged: the copy was not used", got)
		}
		// Another process's write moves the generation with its change.
		entendu := certification.Entendu(db)
		if err := db.Exec(`UPDATE referentiel_generation SET generation = generation + 1`).Error; err != nil {
			t.Fatal(err)
		}
		if db.Dialect == "postgres" {
			// And announces it, as referentielModifie does: the copy is
			// not checked at each use while it hears the announcements.
			if err := db.Exec(`SELECT pg_notify('cipcert_invalidation', 'referentiel')`).Error; err != nil {
				t.Fatal(err)
			}
			attendreCle(t, entendu, "referentiel")
		}
		if got := intituleCCP1(t, svc); got != "Changé sans le dire" {
			t.Errorf("read %q after the generation moved, want the new intitulé", got)
		}

		// A transaction that writes the référentiel reads its own write,
		// and once rolled back nobody else does.
		defs, err := fixtures.Referentiel()
		if err != nil {
			t.Fatal(err)
		}
		defs[0].Versions[0].Blocs[0].Intitule = "Écrit puis annulé"
		seen, err := certification.LoadReferentielRolledBack(ctx, svc, defs)
		if err != nil {
			t.Fatal(err)
		}
		if got := seen[0].Versions[0].Blocs[0].Intitule; got != "Écrit puis annulé" {
			t.Errorf("the writing transaction read %q, not its own write", got)
		}
		if got := intituleCCP1(t, svc); got != "Changé sans le dire" {
			t.Errorf("after the rollback, read %q", got)
		}
		// A committed write is seen at once by the process that made it.
		defs[0].Versions[0].Blocs[0].Intitule = orig
		if err := svc.LoadReferentiel(ctx, defs); err != nil {
			t.Fatal(err)
		}
		if got := intituleCCP1(t, svc); got != orig {
			t.Errorf("after LoadReferentiel, read %q, want %q", got, orig)
		}

		// The titres returned are copies.
		ts, err := svc.Titres(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ts[0].Versions[0].Blocs[0].Intitule = "Modifié par un appelant"
		ts[0].Versions[0].Blocs[0].Competences[0].Intitule = "Modifiée par un appelant"
		if got := intituleCCP1(t, svc); got != orig {
			t.Errorf("a caller's change reached the copy: %q", got)
		}
		ti, _ := svc.Titre(ctx, "TP-00403")
		if c := ti.Versions[0].Blocs[0].Competences[0].Intitule; c == "Modifiée par un appelant" {
			t.Error("a caller's change to a compétence reached the copy")
		}
		if _, err := svc.Titre(ctx, "TP-99999"); err == nil {
			t.Error("an unknown titre was found")
		}
	})
}
