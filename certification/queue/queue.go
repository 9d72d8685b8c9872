// Package queue is cipcert's durable job queue: River, on the service's own
// database (PostgreSQL, or the embedded SQLite file). The service enqueues
// jobs in the transaction of the change that causes them, through the
// certification.Jobs interface this package implements; the workers call
// service methods. A job survives a restart, is retried with a growing
// delay when it fails, and is worked by one client only however many
// server instances share the database: River takes each job with a row lock
// (PostgreSQL) or within the single writer's transaction (SQLite).
//
// On PostgreSQL two River clients share the work: one on database/sql,
// which inserts within GORM's *sql.Tx and reads the jobs for the
// administrator's page, and one on a pgx pool of its own, which works the
// jobs and hears of new ones through LISTEN/NOTIFY. On SQLite one client
// does both on GORM's single connection, polling for new jobs.
package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/mail"
)

// Config tunes a Queue. The zero value is production's.
type Config struct {
	// ID names this instance's client in the jobs it works (attempted_by);
	// empty lets River choose one from the host name and time.
	ID string
	// Workers is how many jobs this instance works at once; 0 means 4.
	Workers int
	// Retry decides when a failed job is tried again; nil is River's
	// default, a delay growing as the fourth power of the attempt.
	Retry river.ClientRetryPolicy
	// PollInterval is how often the queue looks for new jobs when it is not
	// told of them (always on SQLite); 0 means 500 ms.
	PollInterval time.Duration
	// Register adds workers besides the service's own: tests use it.
	Register func(w *river.Workers)
	// Logger receives River's warnings; nil is slog's default.
	Logger *slog.Logger
	// Sender sends the e-mails; nil leaves the message jobs waiting.
	Sender mail.Sender
	// AfterSend, when set, runs after the SMTP server accepted a message and
	// before it is recorded: tests make it fail, as a crash there would.
	AfterSend func(cle string) error
}

// Queue is the job queue of one server instance.
type Queue struct {
	db  *certification.DB
	svc atomic.Pointer[certification.Service]
	// ins inserts within GORM's transactions and lists the jobs. On SQLite
	// it also works them.
	ins *river.Client[*sql.Tx]
	// work works the jobs on PostgreSQL; nil on SQLite.
	work *river.Client[pgx.Tx]
	pool *pgxpool.Pool
	// idle is set when no worker is registered: River refuses to start
	// without one, and the jobs then wait for a server that has them.
	idle bool
}

// New returns the queue on db. Its workers call the service given to Start;
// the service needs the queue first (certification.Options.Jobs), hence the
// two steps.
func New(ctx context.Context, db *certification.DB, cfg Config) (*Queue, error) {
	q := &Queue{db: db}
	workers := river.NewWorkers()
	kinds := q.register(workers, cfg)
	if cfg.Register != nil {
		cfg.Register(workers)
		kinds++
	}
	q.idle = kinds == 0
	n := cfg.Workers
	if n <= 0 {
		n = 4
	}
	poll := cfg.PollInterval
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	rc := &river.Config{
		ID:                cfg.ID,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}},
		Workers:           workers,
		RetryPolicy:       cfg.Retry,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, 50*time.Millisecond),
		Logger:            warnings(cfg.Logger),
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	if db.Dialect == "sqlite" {
		if q.ins, err = river.NewClient(riversqlite.New(sqlDB), rc); err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		return q, nil
	}
	if q.ins, err = river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{Logger: warnings(cfg.Logger)}); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	pc, err := pgxpool.ParseConfig(db.PostgresURL())
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	pc.MaxConns = int32(n + 4) // the workers, the listener, the leader and the maintenance
	if q.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if q.work, err = river.NewClient(riverpgxv5.New(q.pool), rc); err != nil {
		q.pool.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	return q, nil
}

// Start starts working jobs with svc, until Stop.
func (q *Queue) Start(ctx context.Context, svc *certification.Service) error {
	q.svc.Store(svc)
	if q.idle {
		return nil
	}
	if q.work != nil {
		return q.work.Start(ctx)
	}
	return q.ins.Start(ctx)
}

// Stop waits for the jobs being worked to finish, or for ctx to end, then
// releases the queue's connections. A job cut short is worked again later,
// by this instance after a restart or by another one.
func (q *Queue) Stop(ctx context.Context) error {
	var err error
	switch {
	case q.idle:
		if q.pool != nil {
			q.pool.Close()
		}
	case q.work != nil:
		err = q.work.Stop(ctx)
		q.pool.Close()
	default:
		err = q.ins.Stop(ctx)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// Enqueue implements certification.Jobs: it inserts jobs within tx, which
// must be a transaction of the queue's database.
func (q *Queue) Enqueue(tx *gorm.DB, jobs ...certification.Job) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("queue: jobs are enqueued within a transaction")
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		params[i] = river.InsertManyParams{Args: j}
	}
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	_, err := q.ins.InsertManyTx(ctx, sqlTx, params)
	return err
}

// List returns the latest jobs, newest first, at most limit of them.
func (q *Queue) List(ctx context.Context, limit int) ([]certification.Tache, error) {
	res, err := q.ins.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStates()...).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("queue: list: %w", err)
	}
	out := make([]certification.Tache, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		t := certification.Tache{ID: j.ID, Kind: j.Kind, Args: compact(j.EncodedArgs), State: string(j.State), Attempt: j.Attempt,
			MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, FinalizedAt: j.FinalizedAt}
		for _, e := range j.Errors {
			t.Errors = append(t.Errors, e.Error)
		}
		out = append(out, t)
	}
	return out, nil
}

func compact(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	c, _ := json.Marshal(v)
	return string(c)
}

// register adds the service's workers and returns how many kinds of job
// they work.
func (q *Queue) register(w *river.Workers, cfg Config) int {
	if cfg.Sender == nil {
		return 0
	}
	river.AddWorker(w, &messageWorker{q: q, sender: cfg.Sender, afterSend: cfg.AfterSend})
	river.AddWorker(w, &reinitialisationWorker{q: q})
	return 2
}

// reinitialisationJob is the service's ReinitialisationJob as River reads it.
type reinitialisationJob certification.ReinitialisationJob

func (reinitialisationJob) Kind() string { return certification.ReinitialisationJob{}.Kind() }

// reinitialisationWorker looks up the accounts of an address asking for a
// password reset; the messages go as their own jobs.
type reinitialisationWorker struct {
	river.WorkerDefaults[reinitialisationJob]
	q *Queue
}

func (w *reinitialisationWorker) Work(ctx context.Context, j *river.Job[reinitialisationJob]) error {
	_, err := w.q.svc.Load().PreparerReinitialisation(ctx, j.Args.Email)
	return err
}

// messageJob is the service's MessageJob as River reads it.
type messageJob certification.MessageJob

func (messageJob) Kind() string { return certification.MessageJob{}.Kind() }

// messageWorker sends one message: compose, send, record. A message already
// recorded is not sent again; a permanent refusal is recorded and the job
// cancelled, not retried.
type messageWorker struct {
	river.WorkerDefaults[messageJob]
	q         *Queue
	sender    mail.Sender
	afterSend func(cle string) error
}

func (w *messageWorker) Work(ctx context.Context, j *river.Job[messageJob]) error {
	svc := w.q.svc.Load()
	m, err := svc.MessageAEnvoyer(ctx, j.Args.Cle)
	if err != nil || m == nil {
		return err
	}
	id, err := w.sender.Send(ctx, *m)
	var refus *mail.Refus
	if errors.As(err, &refus) {
		if err := svc.MessageRefuse(ctx, *m, refus.Error()); err != nil {
			return err
		}
		return river.JobCancel(refus)
	}
	if err != nil {
		return err
	}
	if w.afterSend != nil {
		if err := w.afterSend(m.Cle); err != nil {
			return err
		}
	}
	return svc.MessageEnvoye(ctx, *m, id, svc.Now())
}
