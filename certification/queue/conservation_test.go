package queue_test

import (
	"context"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
)

// conservation is the nightly retention job as River stores it.
type conservation struct{}

func (conservation) Kind() string { return "conservation" }

// TestConservationJob: the retention job, worked by the queue, applies the
// table at the service's clock.
func TestConservationJob(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		certtest.SeedWith(t, svc, false)
		if _, _, err := svc.Connexion(ctx, "centre", "centre-demo-cipcert"); err != nil {
			t.Fatal(err)
		}
		q, err := queue.New(ctx, db, queue.Config{Sender: mail.Dir{Path: t.TempDir(), From: "cipcert@example.fr", Domain: "example.fr"},
			PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		// Two years on, the tokens signed in today have expired a year ago.
		start(t, q, svc.WithClock(func() time.Time { return certtest.Now.AddDate(2, 0, 0) }))
		enqueue(t, db, q, false, conservation{})
		for done := false; !done; {
			l, err := q.List(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range l {
				if j.Kind == "conservation" && j.State == "completed" {
					done = true
				}
				if j.Kind == "conservation" && len(j.Errors) > 0 {
					t.Fatalf("the job failed: %v", j.Errors)
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		var n int
		db.Raw("SELECT COUNT(*) FROM jetons").Scan(&n)
		var logged int
		db.Raw("SELECT COUNT(*) FROM conservation_journal WHERE categorie = 'journaux' AND objet = 'jetons'").Scan(&logged)
		if n != 0 || logged != 1 {
			t.Errorf("after the job: %d tokens left, %d steps logged", n, logged)
		}
	})
}
