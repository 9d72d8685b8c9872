package queue_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
)

// essai is a job of the tests: its worker reports each attempt.
type essai struct {
	N int `json:"n"`
}

func (essai) Kind() string { return "essai" }

// essaiWorker reports each attempt on done and fails the attempts fail says.
type essaiWorker struct {
	river.WorkerDefaults[essai]
	fail func(n, attempt int) error
	done chan<- tentative
	inst string
}

type tentative struct {
	n, attempt int
	inst       string
	err        error
}

func (w *essaiWorker) Work(ctx context.Context, j *river.Job[essai]) error {
	var err error
	if w.fail != nil {
		err = w.fail(j.Args.N, j.Attempt)
	}
	w.done <- tentative{n: j.Args.N, attempt: j.Attempt, inst: w.inst, err: err}
	return err
}

// immediat retries at once: the tests synchronise on the attempts, not on
// a delay.
type immediat struct{}

func (immediat) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

func newQueue(t *testing.T, db *certification.DB, id string, w *essaiWorker) *queue.Queue {
	t.Helper()
	w.inst = id
	q, err := queue.New(context.Background(), db, queue.Config{ID: id, Retry: immediat{}, PollInterval: 20 * time.Millisecond,
		Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// newQueueTB is newQueue with production's polling and concurrency.
func newQueueTB(tb testing.TB, db *certification.DB, w *essaiWorker) *queue.Queue {
	tb.Helper()
	q, err := queue.New(context.Background(), db, queue.Config{Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

func start(t *testing.T, q *queue.Queue, svc *certification.Service) {
	t.Helper()
	if err := q.Start(context.Background(), svc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
}

// enqueue enqueues jobs in a transaction that commits, or rolls back when
// rollback is set.
func enqueue(t testing.TB, db *certification.DB, q *queue.Queue, rollback bool, jobs ...certification.Job) {
	t.Helper()
	annule := errors.New("annulé")
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := q.Enqueue(tx, jobs...); err != nil {
			return err
		}
		if rollback {
			return annule
		}
		return nil
	})
	if err != nil && !(rollback && errors.Is(err, annule)) {
		t.Fatal(err)
	}
}

func TestQueue(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		svc := certtest.NewService(t, db)

		t.Run("CommittedWorkedOnceRolledBackNever", func(t *testing.T) {
			done := make(chan tentative, 10)
			q := newQueue(t, db, "a", &essaiWorker{done: done})
			enqueue(t, db, q, true, essai{N: 1})
			enqueue(t, db, q, false, essai{N: 2})
			start(t, q, svc)
			if got := <-done; got.n != 2 || got.attempt != 1 {
				t.Fatalf("worked %+v, want job 2 at its first attempt", got)
			}
			waitState(t, q, 2, "completed")
			l, err := q.List(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(l) != 1 || l[0].Kind != "essai" || l[0].Args != `{"n":2}` {
				t.Fatalf("jobs = %+v, want only the committed one", l)
			}
		})

		t.Run("RetriedUntilItSucceeds", func(t *testing.T) {
			done := make(chan tentative, 10)
			w := &essaiWorker{done: done, fail: func(n, attempt int) error {
				if attempt < 3 {
					return errors.New("serveur indisponible")
				}
				return nil
			}}
			q := newQueue(t, db, "b", w)
			start(t, q, svc)
			enqueue(t, db, q, false, essai{N: 3})
			for want := 1; want <= 3; want++ {
				if got := <-done; got.attempt != want {
					t.Fatalf("attempt %d, want %d", got.attempt, want)
				}
			}
			j := waitState(t, q, 3, "completed")
			if j.Attempt != 3 || len(j.Errors) != 2 || j.Errors[0] != "serveur indisponible" {
				t.Fatalf("job = %+v, want 3 attempts and the 2 errors kept", j)
			}
		})

		t.Run("SurvivesRestart", func(t *testing.T) {
			done := make(chan tentative, 10)
			q := newQueue(t, db, "c", &essaiWorker{done: done})
			enqueue(t, db, q, false, essai{N: 4})
			// The instance that enqueued stops before working it; another
			// one, started later, works it.
			if err := q.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
			q2 := newQueue(t, db, "c2", &essaiWorker{done: done})
			start(t, q2, svc)
			if got := <-done; got.n != 4 || got.inst != "c2" {
				t.Fatalf("worked %+v, want job 4 by the restarted instance", got)
			}
		})
	})
}

// waitState waits until the job of argument n reaches state, and returns it.
func waitState(t *testing.T, q *queue.Queue, n int, state string) certification.Tache {
	t.Helper()
	for {
		l, err := q.List(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range l {
			if j.Kind == "essai" && j.Args == `{"n":`+strconv.Itoa(n)+`}` && j.State == state {
				return j
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestQueueTwoInstances runs two instances on one PostgreSQL database: each
// job is worked by one of them only.
func TestQueueTwoInstances(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		if db.Dialect != "postgres" {
			return // one process owns an SQLite file
		}
		svc := certtest.NewService(t, db)
		const n = 200
		done := make(chan tentative, 2*n)
		a := newQueue(t, db, "a", &essaiWorker{done: done})
		b := newQueue(t, db, "b", &essaiWorker{done: done})
		jobs := make([]certification.Job, n)
		for i := range jobs {
			jobs[i] = essai{N: i}
		}
		start(t, a, svc)
		start(t, b, svc)
		enqueue(t, db, a, false, jobs...)
		seen := map[int]string{}
		for range n {
			got := <-done
			if other, dup := seen[got.n]; dup {
				t.Fatalf("job %d worked by %s and %s", got.n, other, got.inst)
			}
			seen[got.n] = got.inst
		}
		// Both have stopped before the check that nothing more came.
		_ = a.Stop(context.Background())
		_ = b.Stop(context.Background())
		if len(done) != 0 {
			t.Fatalf("%d more attempts after every job was worked once", len(done))
		}
	})
}
