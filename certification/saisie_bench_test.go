package certification_test

import (
	"context"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkSaisirEvaluation measures a jury member's recording of one
// decision as the API's PUT makes it, on each database of the run (SQLite,
// and PostgreSQL when TEST_DATABASE_URL is set): each iteration replaces
// the decision on one CCP of a candidat of a held session at the version
// it read last, acquis and non acquis in turn, the ECF taken into account.
// sql/op is the statements it sends.
func BenchmarkSaisirEvaluation(b *testing.B) {
	for _, d := range certtest.Dialects(b) {
		b.Run(d, func(b *testing.B) { benchSaisirEvaluation(b, d) })
	}
}

func benchSaisirEvaluation(b *testing.B, dialect string) {
	ctx := context.Background()
	db := certtest.Open(b, dialect)
	svc := certtest.NewService(b, db)
	certtest.SeedWith(b, svc, false)
	centre, jury1, dreets := actor(b, svc, "centre"), actor(b, svc, "jury1"), actor(b, svc, "dreets")
	jury := habilitatedJury(b, svc, dreets, jury1, actor(b, svc, "jury2"))
	sid, ins := heldSession(b, svc, 10, jury, centre)
	version := map[string]int{}
	for _, id := range ins {
		if _, err := svc.SaisirPresence(ctx, jury1, sid, id, 1, certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			b.Fatal(err)
		}
	}
	saisies := []certification.EvaluationSaisie{
		{Decision: "acquis", MSP: true, EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true},
		{Decision: "non_acquis", Motifs: "La mise en situation n’a pas permis d’établir la compétence.", MSP: true,
			EntretienTechnique: true, DossierProfessionnel: true, EcfPrisEnCompte: true},
	}
	count := certtest.CompterRequetes(db)
	ccps := []string{"CCP1", "CCP2", "CCP3"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		// Each decision comes back after the others, changed.
		id, ccp := ins[i%len(ins)], ccps[(i/len(ins))%len(ccps)]
		e, err := svc.SaisirEvaluation(ctx, jury1, sid, id, ccp, version[id+ccp], saisies[(i/(len(ins)*len(ccps)))%2])
		if err != nil {
			b.Fatal(err)
		}
		version[id+ccp] = e.Version
	}
	b.StopTimer()
	b.ReportMetric(float64(count.N.Load())/float64(b.N), "sql/op")
}
