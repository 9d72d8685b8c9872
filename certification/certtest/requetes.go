package certtest

import (
	"context"
	"sync/atomic"
	"time"

	"gorm.io/gorm/logger"

	"github.com/cipcert/cipcert/certification"
)

// Requetes counts the SQL statements a database runs, as the database's
// GORM logger: every statement, query or write, passes through it. It
// does not build the statements' text, so that counting costs nothing
// measurable.
type Requetes struct{ N atomic.Int64 }

func (r *Requetes) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *Requetes) Info(context.Context, string, ...any)     {}
func (r *Requetes) Warn(context.Context, string, ...any)     {}
func (r *Requetes) Error(context.Context, string, ...any)    {}
func (r *Requetes) Trace(context.Context, time.Time, func() (string, int64), error) {
	r.N.Add(1)
}

// CompterRequetes makes db's statements counted by the returned counter,
// whichever of its pools runs them.
func CompterRequetes(db *certification.DB) *Requetes {
	r := &Requetes{}
	db.SetLogger(r)
	return r
}
