package certification_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// world is a seeded service and the demo actors the service tests use.
type world struct {
	svc                          *certification.Service
	centre, jury1, jury2, dreets certification.Acteur
	jury                         []string // member ids of jury1 and jury2
}

func newWorld(t *testing.T, db *certification.DB) *world {
	t.Helper()
	svc := certtest.NewService(t, db)
	certtest.SeedWith(t, svc, false)
	w := &world{svc: svc, centre: actor(t, svc, "centre"), jury1: actor(t, svc, "jury1"), jury2: actor(t, svc, "jury2"),
		dreets: actor(t, svc, "dreets")}
	w.jury = habilitatedJury(t, svc, w.dreets, w.jury1, w.jury2)
	return w
}

// candidat returns the demo candidat of the centre with that nom de naissance.
func (w *world) candidat(t *testing.T, nom string) *certification.Candidat {
	t.Helper()
	page, err := w.svc.Candidats(context.Background(), w.centre, certification.FiltreCandidats{Nom: nom})
	if err != nil || len(page.Candidats) != 1 {
		t.Fatalf("candidat %s: %v (%d found)", nom, err, len(page.Candidats))
	}
	return &page.Candidats[0]
}

func saisieOf(c *certification.Candidat) certification.CandidatSaisie {
	return certification.CandidatSaisie{TitreCode: c.TitreCode, Parcours: c.Parcours, NomNaissance: c.NomNaissance,
		NomUsage: c.NomUsage, Prenoms: c.Prenoms, DateNaissance: c.DateNaissance, LieuNaissance: c.LieuNaissance,
		Email: c.Email, Formation: c.Formation, ECF: c.ECF, Recevabilite: c.Recevabilite, MoisExperience: c.MoisExperience,
		CCPAnterieurs: c.CCPAnterieurs}
}
