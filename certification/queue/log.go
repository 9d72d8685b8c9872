package queue

import (
	"context"
	"log/slog"
)

// warnings keeps River's warnings and errors, not its chatter about each
// job: a job's failures are kept on the job and shown on the
// administrator's page.
func warnings(l *slog.Logger) *slog.Logger {
	if l == nil {
		l = slog.Default()
	}
	return slog.New(minLevel{l.Handler(), slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
