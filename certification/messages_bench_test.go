package certification_test

import (
	"context"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
)

// BenchmarkResultats100 measures the delay from the validation of a PV of
// 100 candidats to the last « Vos résultats sont disponibles » accepted by
// an SMTP server in process, with production's queue settings: the queue
// runs throughout, the session is built and deliberated with the timer
// stopped, the queue left idle (the convocations sent at enrolment), then
// the timer runs from the call that validates the PV to the hundredth
// message accepted.
func BenchmarkResultats100(b *testing.B) {
	ctx := context.Background()
	db := certtest.Open(b, benchDialect(b))
	bx := &boite{recus: make(chan string, 512)}
	sender := bx.start(b)
	q, err := queue.New(ctx, db, queue.Config{Sender: sender, Rappels: -1})
	if err != nil {
		b.Fatal(err)
	}
	opt := certtest.Options(b)
	opt.Jobs = q
	svc := certtest.NewServiceWith(b, db, opt)
	centre, jury1, jury2, dreets, jury := demoPV(b, svc)
	if err := q.Start(ctx, svc); err != nil {
		b.Fatal(err)
	}
	defer q.Stop(ctx)
	var total time.Duration
	for range b.N {
		b.StopTimer()
		id := deliberatedSession(b, svc, 100, jury, centre, jury1, jury2)
		attendreFileVide(b, db)
		for len(bx.recus) > 0 {
			<-bx.recus
		}
		b.StartTimer()
		start := time.Now()
		if _, err := svc.ValiderPV(ctx, dreets, id); err != nil {
			b.Fatal(err)
		}
		for range 100 {
			<-bx.recus
		}
		total += time.Since(start)
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/last-message")
}

// attendreFileVide waits until the queue holds no job left to work.
func attendreFileVide(b *testing.B, db *certification.DB) {
	for {
		var n int64
		if err := db.Table("river_job").Where("state IN ?", []string{"available", "running", "retryable", "scheduled", "pending"}).Count(&n).Error; err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// benchDialect is the database a benchmark runs on: the last of the run's
// (PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise).
func benchDialect(tb testing.TB) string {
	ds := certtest.Dialects(tb)
	return ds[len(ds)-1]
}
