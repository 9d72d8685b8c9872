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
			// The session, a page of candidats, their details.
			{"centre", "/centre/candidats", 3},
			{"centre", "/centre/candidats?nom=LEF", 3},
			// The session, the candidat and its details, its enrolments
			// with their blocs and evaluations, their sessions with their
			// blocs and jury, the référentiel's generation, the account,
			// the candidat's requests under its rights, the latest message to
			// its address (refused or not).
			{"centre", "/centre/candidats/" + lefevre, 13},
			// The dossier as above, and the candidat's recours.
			{"candidat", "/mon-espace", 12},
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
