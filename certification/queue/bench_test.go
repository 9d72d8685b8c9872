package queue_test

import (
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkQueueThroughput enqueues b.N jobs in batches of 100 and waits for
// them to be worked: jobs/s is the queue's throughput on each database.
func BenchmarkQueueThroughput(b *testing.B) {
	for _, d := range certtest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			db := certtest.Open(b, d)
			svc := certtest.NewService(b, db)
			done := make(chan tentative, 1024)
			q := newQueueTB(b, db, &essaiWorker{done: done})
			if err := q.Start(b.Context(), svc); err != nil {
				b.Fatal(err)
			}
			defer q.Stop(b.Context())
			b.ResetTimer()
			go func() {
				for i := 0; i < b.N; i += 100 {
					batch := make([]certification.Job, 0, 100)
					for j := i; j < min(i+100, b.N); j++ {
						batch = append(batch, essai{N: j})
					}
					enqueue(b, db, q, false, batch...)
				}
			}()
			for range b.N {
				<-done
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}
