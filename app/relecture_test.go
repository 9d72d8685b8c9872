package app_test

import (
	"database/sql/driver"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/certtest"
)

// TestWriteAnsweredFromItsTransaction loses the database right after a
// presence write commits: every later read of the enrolments outside a
// transaction fails as a dropped connection would. The write was stored,
// so the answer must be 200 with the written state, not a 503 that the
// client would retry into a 412.
func TestWriteAnsweredFromItsTransaction(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "postgres")
	f := flowOn(t, newAPI(t, db))
	s, ins := f.held(f.formationCandidat("Relecture"))

	var armed atomic.Bool
	var failed atomic.Int64
	err := db.Callback().Query().Before("gorm:query").Register("test:perte_apres_commit", func(g *gorm.DB) {
		if _, inTx := g.Statement.ConnPool.(gorm.TxCommitter); inTx || !armed.Load() {
			return
		}
		// Table("inscriptions AS i") leaves the alias in Table, the name in TableExpr.
		if e := g.Statement.TableExpr; e != nil && strings.HasPrefix(e.SQL, "inscriptions") {
			failed.Add(1)
			_ = g.AddError(fmt.Errorf("lost after commit: %w", driver.ErrBadConn))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	rec := f.as("jury1", "PUT", presencePath(s.ID, ins[0].ID), map[string]any{"presence": "present", "entretien_final": "favorable"},
		ifMatch(ins[0].Version))
	armed.Store(false)
	var out inscriptionOut
	f.ok(rec, http.StatusOK, &out)
	if out.Presence == nil || *out.Presence != "present" || out.Version != ins[0].Version+1 {
		t.Errorf("answer %+v: want the written presence at version %d", out, ins[0].Version+1)
	}
	if etag := rec.Header().Get("ETag"); etag != fmt.Sprintf(`"%d"`, ins[0].Version+1) {
		t.Errorf("ETag %s, want the written version %d", etag, ins[0].Version+1)
	}
	// The injection must have been able to fire: a read of the enrolments
	// outside a transaction is refused while armed.
	armed.Store(true)
	if rec := f.as("jury1", "GET", sessionPath(s.ID, "inscriptions"), nil); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("read outside a transaction while armed: %d, want 503 (the injection does not fire)", rec.Code)
	}
	armed.Store(false)
	stored := f.inscriptions("jury1", s.ID)[ins[0].ID]
	if stored.Presence == nil || *stored.Presence != "present" || stored.Version != ins[0].Version+1 {
		t.Errorf("stored %+v: want what the answer said", stored)
	}
}
