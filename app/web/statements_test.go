package web_test

import (
	"sync/atomic"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// statementCounter counts the SQL statements a database runs
// (certtest.CompterRequetes).
type statementCounter struct{ n *atomic.Int64 }

// countStatements makes db's statements counted by the returned counter.
func countStatements(db *certification.DB) statementCounter {
	return statementCounter{&certtest.CompterRequetes(db).N}
}

// TestPageStatements holds the main pages to the number of SQL statements
// they send one after the other, which their time under load follows more
// than anything else (see BenchmarkPages). A page that needs more should
// batch its reads; a ceiling is raised only knowingly.
func TestPageStatements(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		lefevre := s.candidatID("Lefèvre")
		code := s.issueDemoDocuments()[0].CodeVerification
		count := countStatements(db)
		for _, p := range []struct {
			as, path string
			max      int64
		}{
			{"", "/connexion", 0},
			// A page of candidats, their details (the session is
			// authenticated from the process's copy).
			{"centre", "/centre/candidats", 2},
			{"centre", "/centre/candidats?nom=LEF", 2},
			// The candidat with its enrolments and their sessions, every
			// detail of them in one more, the account, the candidat's
			// requests under its rights, the latest message to its address
			// (refused or not); on SQLite, the référentiel's generation.
			{"centre", "/centre/candidats/" + lefevre, 6},
			// The dossier as above, and the candidat's recours.
			{"candidat", "/mon-espace", 5},
			{"", "/verification/" + code, 1},
		} {
			hc := benchClient(t, s.srv.URL, p.as, 0)
			// The first request may fill the référentiel's copy.
			if _, err := fetch(hc, s.srv.URL+p.path); err != nil {
				t.Fatal(err)
			}
			before := count.n.Load()
			if _, err := fetch(hc, s.srv.URL+p.path); err != nil {
				t.Fatal(err)
			}
			if n := count.n.Load() - before; n > p.max {
				t.Errorf("%s as %q: %d SQL statements, at most %d expected", p.path, p.as, n, p.max)
			} else {
				t.Logf("%s as %q: %d SQL statements", p.path, p.as, n)
			}
		}
	})
}
