package certification_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// actor logs a demo account in and returns the actor it stands for.
func actor(b testing.TB, svc *certification.Service, identifiant string) certification.Acteur {
	b.Helper()
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == identifiant {
			tok, _, err := svc.Connexion(context.Background(), identifiant, acc.MotDePasse)
			if err != nil {
				b.Fatal(err)
			}
			a, err := svc.Authentifier(context.Background(), tok)
			if err != nil {
				b.Fatal(err)
			}
			return a
		}
	}
	b.Fatalf("no demo account %s", identifiant)
	return certification.Acteur{}
}

// heldSession builds, through the service, a session titre held today with
// n candidats enrolled, and returns its id and the enrolments' ids.
func heldSession(b testing.TB, svc *certification.Service, n int, jury []string, centre certification.Acteur) (string, []string) {
	b.Helper()
	ctx := context.Background()
	d := certification.NewDate
	today := certification.DateOf(svc.Now())
	s, err := svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: today, Fin: today, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: jury})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.DeclarerSession(ctx, centre, s.ID); err != nil {
		b.Fatal(err)
	}
	var ins []string
	for i := 0; i < n; i++ {
		c, err := svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
			NomNaissance: fmt.Sprintf("Lefèvre-%03d", i), Prenoms: "Camille Éloïse", DateNaissance: d(1994, 5, 17),
			LieuNaissance: "Saint-Étienne (42)", Email: "c@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)},
			ECF: []certification.ECF{{CCP: "CCP1", DateEvaluation: d(2026, 3, 20)}, {CCP: "CCP2", DateEvaluation: d(2026, 6, 12)}, {CCP: "CCP3", DateEvaluation: d(2026, 9, 11)}}})
		if err != nil {
			b.Fatal(err)
		}
		in, err := svc.Inscrire(ctx, centre, s.ID, c.ID, nil)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, in.ID)
	}
	if _, err := svc.TenirSession(ctx, centre, s.ID); err != nil {
		b.Fatal(err)
	}
	return s.ID, ins
}

// validatedSession builds, through the service, a validated session titre
// of n candidats who all obtained the titre.
func validatedSession(b testing.TB, svc *certification.Service, n int, jury []string, centre, jury1, jury2, dreets certification.Acteur) string {
	b.Helper()
	id := deliberatedSession(b, svc, n, jury, centre, jury1, jury2)
	if _, err := svc.ValiderPV(context.Background(), dreets, id); err != nil {
		b.Fatal(err)
	}
	return id
}

// deliberatedSession builds, through the service, a session titre of n
// candidats who all obtained the titre, its PV signed by both members and
// not yet validated.
func deliberatedSession(b testing.TB, svc *certification.Service, n int, jury []string, centre, jury1, jury2 certification.Acteur) string {
	b.Helper()
	ctx := context.Background()
	id, ins := heldSession(b, svc, n, jury, centre)
	s := &certification.Session{ID: id}
	for _, id := range ins {
		if _, err := svc.SaisirPresence(ctx, jury1, s.ID, id, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			b.Fatal(err)
		}
		for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
			if _, err := svc.SaisirEvaluation(ctx, jury1, s.ID, id, c, 0, certification.EvaluationSaisie{Decision: "acquis",
				MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, j := range []certification.Acteur{jury1, jury2} {
		if _, err := svc.SignerPV(ctx, j, s.ID); err != nil {
			b.Fatal(err)
		}
	}
	return s.ID
}

// habilitatedJury records the jury accounts as members habilitated for
// TP-00403 and returns the members' ids.
func habilitatedJury(b testing.TB, svc *certification.Service, dreets certification.Acteur, accounts ...certification.Acteur) []string {
	b.Helper()
	ctx := context.Background()
	var jury []string
	for _, j := range accounts {
		m, err := svc.CreateMembre(ctx, dreets, certification.NouveauMembre{Nom: j.Nom, Prenoms: "Membre", Email: "j@example.fr", UtilisateurID: j.UtilisateurID})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Habiliter(ctx, dreets, m.ID, certification.NouvelleHabilitation{TitreCode: "TP-00403",
			Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2028, 12, 31), Reference: "HAB"}); err != nil {
			b.Fatal(err)
		}
		jury = append(jury, m.ID)
	}
	return jury
}

// BenchmarkIssueSession100 issues the PV, the 100 parchemins and the 100
// fiches de résultats of a validated session, each rendered and sealed, in one transaction, on
// PostgreSQL when TEST_DATABASE_URL is set. The seal's own cost is
// measured apart by pdf/sceau's BenchmarkSceller.
func BenchmarkIssueSession100(b *testing.B) {
	db := certtest.Open(b, dialecteMesure(b))
	svc := certtest.NewService(b, db)
	if _, err := fixtures.SeedWith(context.Background(), svc, false); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	centre, jury1, jury2, dreets := actor(b, svc, "centre"), actor(b, svc, "jury1"), actor(b, svc, "jury2"), actor(b, svc, "dreets")
	jury := habilitatedJury(b, svc, dreets, jury1, jury2)
	var bytes, docs int
	var statements int64
	counter := certtest.CompterRequetes(db)
	for b.Loop() {
		b.StopTimer()
		id := validatedSession(b, svc, 100, jury, centre, jury1, jury2, dreets)
		b.StartTimer()
		n0 := counter.N.Load()
		ds, err := svc.EmettreDocumentsSession(ctx, dreets, id)
		statements += counter.N.Load() - n0
		if err != nil || len(ds) != 201 {
			b.Fatalf("issued %d documents: %v", len(ds), err)
		}
		for _, d := range ds {
			bytes += d.Taille
		}
		docs += len(ds)
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(bytes)/float64(docs), "bytes/doc")
	b.ReportMetric(float64(statements)/float64(b.N), "statements/op")
}

// dialecteMesure is the dialect a benchmark measures: PostgreSQL when the
// run covers it (certtest.Dialects: TEST_DATABASE_URL set, required in
// CI), SQLite otherwise.
func dialecteMesure(b testing.TB) string {
	d := certtest.Dialects(b)
	return d[len(d)-1]
}
