package certification_test

import (
	"context"
	"os"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
)

// lazyJobs hands the jobs to the queue of the current iteration.
type lazyJobs struct{ q *queue.Queue }

func (l *lazyJobs) Enqueue(tx *gorm.DB, jobs ...certification.Job) error {
	return l.q.Enqueue(tx, jobs...)
}
func (l *lazyJobs) List(ctx context.Context, n int) ([]certification.Tache, error) {
	return l.q.List(ctx, n)
}

// BenchmarkResultats100 measures the delay from the validation of a PV of
// 100 candidats to the last « Vos résultats sont disponibles » accepted by
// an SMTP server in process: the PV is validated while no instance works
// the queue, then the timer runs from the start of an instance, with
// production's settings, to the hundredth message accepted.
func BenchmarkResultats100(b *testing.B) {
	dialect := "sqlite"
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dialect = "postgres"
	}
	ctx := context.Background()
	db := certtest.Open(b, dialect)
	bx := &boite{recus: make(chan string, 128)}
	sender := bx.start(b)
	newQ := func() *queue.Queue {
		q, err := queue.New(ctx, db, queue.Config{Sender: sender})
		if err != nil {
			b.Fatal(err)
		}
		return q
	}
	jobs := &lazyJobs{q: newQ()}
	opt := certtest.Options(b)
	opt.Jobs = jobs
	svc := certtest.NewServiceWith(b, db, opt)
	centre, jury1, jury2, dreets, jury := demoPV(b, svc)
	var total time.Duration
	for range b.N {
		b.StopTimer()
		validatedSession(b, svc, 100, jury, centre, jury1, jury2, dreets)
		b.StartTimer()
		start := time.Now()
		if err := jobs.q.Start(ctx, svc); err != nil {
			b.Fatal(err)
		}
		for range 100 {
			<-bx.recus
		}
		total += time.Since(start)
		b.StopTimer()
		_ = jobs.q.Stop(ctx)
		jobs.q = newQ()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/last-message")
}
