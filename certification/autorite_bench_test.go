package certification_test

import (
	"context"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// BenchmarkIssueLots issues the PV and the 100 parchemins of a validated
// session in lots of 25, as the autorité's review page does, on
// PostgreSQL when TEST_DATABASE_URL is set. ms/lot is a lot's time, the
// wait a person sees between two steps of the progress.
func BenchmarkIssueLots(b *testing.B) {
	db := certtest.Open(b, dialecteMesure(b))
	svc := certtest.NewService(b, db)
	if _, err := fixtures.SeedWith(context.Background(), svc, false); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	centre, jury1, jury2, dreets := actor(b, svc, "centre"), actor(b, svc, "jury1"), actor(b, svc, "jury2"), actor(b, svc, "dreets")
	jury := habilitatedJury(b, svc, dreets, jury1, jury2)
	var lots int
	var worst, total time.Duration
	for b.Loop() {
		b.StopTimer()
		id := validatedSession(b, svc, 100, jury, centre, jury1, jury2, dreets)
		b.StartTimer()
		for {
			start := time.Now()
			docs, av, err := svc.EmettreDocumentsLot(ctx, dreets, id, 25)
			d := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if len(docs) == 0 {
				break
			}
			lots++
			total += d
			worst = max(worst, d)
			if av.Restants() == 0 {
				break
			}
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(lots), "ms/lot")
	b.ReportMetric(float64(worst.Milliseconds()), "max-ms/lot")
	b.ReportMetric(float64(lots)/float64(b.N), "lots/session")
}
