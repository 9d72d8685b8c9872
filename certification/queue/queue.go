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
	// Workers is how many jobs this instance works at once; 0 means 10:
	// sending an e-mail mostly waits for the SMTP server.
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
	// Rappels is how often the reminders due are swept, from the instance
	// elected leader; 0 means every hour, a negative value never. Each
	// reminder goes once whatever the pace (certification.EnvoyerRappels).
	Rappels time.Duration
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
		n = 10
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
		// A fetch takes at most as many jobs as there are free workers,
		// then waits the cooldown: a short one lets a busy queue refill
		// its workers at once (79 jobs/s with 4 workers and 50 ms, about
		// 800 with 10 and 5 ms), and costs nothing when the queue is idle.
		FetchCooldown: min(poll, 5*time.Millisecond),
		Logger:        warnings(cfg.Logger),
		PeriodicJobs:  rappels(cfg),
	}
	if kinds > 0 {
		// The retention runs every night at 03:00 UTC, whenever the server
		// was started; River's leader alone enqueues it, however many
		// instances share the database.
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(chaqueNuit{},
			func() (river.JobArgs, *river.InsertOpts) { return conservationJob{}, nil }, nil))
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
	river.AddWorker(w, &conservationWorker{q: q})
	river.AddWorker(w, &rappelWorker{q: q})
	river.AddWorker(w, &reinitialisationWorker{q: q})
	return 4
}

// chaqueNuit is River's schedule for the retention: the next 03:00 UTC.
type chaqueNuit struct{}

func (chaqueNuit) Next(t time.Time) time.Time {
	t = t.UTC()
	n := time.Date(t.Year(), t.Month(), t.Day(), 3, 0, 0, 0, time.UTC)
	if !n.After(t) {
		n = n.AddDate(0, 0, 1)
	}
	return n
}

// conservationJob applies the retention table (certification.Conservation).
type conservationJob struct{}

func (conservationJob) Kind() string { return "conservation" }

// conservationWorker purges or pseudonymises what has expired, at the
// service's clock; a failed run is retried and does its work once.
type conservationWorker struct {
	river.WorkerDefaults[conservationJob]
	q *Queue
}

func (w *conservationWorker) Work(ctx context.Context, _ *river.Job[conservationJob]) error {
	svc := w.q.svc.Load()
	if svc.Conservation() == nil {
		return nil
	}
	_, err := svc.AppliquerConservation(ctx)
	return err
}

// rappels is the periodic sweep of the reminders, run at start too: a
// restart must not put the day's reminders off by an interval. None
// without a sender, which leaves the messages waiting anyway.
func rappels(cfg Config) []*river.PeriodicJob {
	if cfg.Sender == nil || cfg.Rappels < 0 {
		return nil
	}
	every := cfg.Rappels
	if every == 0 {
		every = time.Hour
	}
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return rappelJob{}, nil },
		&river.PeriodicJobOpts{ID: "rappels", RunOnStart: true})}
}

// rappelJob is the service's RappelJob as River reads it.
type rappelJob certification.RappelJob

func (rappelJob) Kind() string { return certification.RappelJob{}.Kind() }

// rappelWorker sweeps the reminders due.
type rappelWorker struct {
	river.WorkerDefaults[rappelJob]
	q *Queue
}

func (w *rappelWorker) Work(ctx context.Context, _ *river.Job[rappelJob]) error {
	_, err := w.q.svc.Load().EnvoyerRappels(ctx)
	return err
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
