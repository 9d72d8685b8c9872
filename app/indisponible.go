package app

import (
	"log/slog"
	"sync"
	"time"
)

// outageEvery is how often an outage of the database is logged: every
// request answers 503 while it lasts, and a line each would drown the log.
const outageEvery = 10 * time.Second

// outageLog logs a database outage once per interval, with how many
// requests were answered 503 since the previous line.
type outageLog struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	next    time.Time // no line before this instant
	pending int       // 503 answers not yet reported
}

func newOutageLog(log *slog.Logger, every time.Duration, now func() time.Time) *outageLog {
	return &outageLog{log: log, every: every, now: now}
}

// note counts one request answered 503 because of err, and logs when the
// interval since the previous line is over.
func (o *outageLog) note(err error, path string) {
	o.mu.Lock()
	o.pending++
	now := o.now()
	if now.Before(o.next) {
		o.mu.Unlock()
		return
	}
	n := o.pending
	o.pending, o.next = 0, now.Add(o.every)
	o.mu.Unlock()
	o.log.Warn("database unavailable", "err", err, "path", path, "requests_503", n,
		"interval", o.every.String())
}
