package certification

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Job is work done after the change that causes it has committed: an
// e-mail, a reminder. Its fields are what the worker needs to find the rest
// in the database, serialised as JSON; Kind names the worker.
type Job interface {
	Kind() string
}

// Jobs enqueues jobs in the transaction of the change that causes them, so
// that a rolled-back change enqueues nothing and a committed one is never
// forgotten. The job queue (package certification/queue) implements it.
type Jobs interface {
	// Enqueue adds jobs to the queue within tx, a transaction of this
	// service's database.
	Enqueue(tx *gorm.DB, jobs ...Job) error
	// List returns the latest jobs, newest first, at most limit of them.
	List(ctx context.Context, limit int) ([]Tache, error)
}

// Tache is one job of the queue as the administrator reads it.
type Tache struct {
	ID   int64
	Kind string
	// Args are the job's arguments, as compact JSON.
	Args string
	// State is River's: available, scheduled, running, retryable,
	// completed, cancelled, discarded, pending.
	State       string
	Attempt     int
	MaxAttempts int
	// Errors are the messages of the failed attempts, the latest last.
	Errors      []string
	CreatedAt   time.Time
	ScheduledAt time.Time
	FinalizedAt *time.Time
}

// TachesAffichees is how many jobs the administrator's page shows.
const TachesAffichees = 200

// Taches returns the latest jobs of the queue, newest first, for the
// administrator. Returns ErrForbidden for any other role.
func (s *Service) Taches(ctx context.Context, a Acteur) ([]Tache, error) {
	if !a.Is(RoleAdmin) {
		return nil, forbidden()
	}
	return s.opt.Jobs.List(ctx, TachesAffichees)
}

// noJobs drops every job: the service of a tool or a test that runs no
// queue. The server always has a real queue.
type noJobs struct{}

func (noJobs) Enqueue(*gorm.DB, ...Job) error { return nil }

func (noJobs) List(context.Context, int) ([]Tache, error) { return nil, nil }
