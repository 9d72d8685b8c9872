package app_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// logBuffer captures a server's JSON log; the server writes from several
// goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log lines whose msg is msg, decoded.
func (b *logBuffer) lines(msg string) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(b.buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedAPI is a seeded server whose log the test reads.
func newLoggedAPI(t *testing.T, db *certification.DB, opt app.Options) (*api, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opt.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return newAPIWith(t, db, opt), logs
}

// TestAccessLogStatus: the access log records the status the client got,
// for error answers too (it once said 200 for every one of them).
func TestAccessLogStatus(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a, logs := newLoggedAPI(t, db, app.Options{})
		cases := []struct {
			method, path, token string
			body                any
			want                int
		}{
			{"GET", "/api/v1/candidats", "", nil, 401},
			{"GET", "/api/v1/centres", a.tokens["candidat"], nil, 403},
			{"GET", "/api/v1/pas-de-route", a.tokens["admin"], nil, 404},
			{"GET", "/api/v1/candidats/01900000-0000-7000-8000-000000000000", a.tokens["centre"], nil, 404},
			{"POST", "/api/v1/auth/connexion", "", `{"identifiant": 1}`, 400},
			{"POST", "/api/v1/auth/connexion", "", map[string]string{"identifiant": "admin", "mot_de_passe": "faux"}, 401},
			{"POST", "/api/v1/candidats", a.tokens["centre"], map[string]string{"nom_naissance": ""}, 422},
			{"GET", "/healthz", "", nil, 200},
		}
		for _, c := range cases {
			rec := a.do(c.method, c.path, c.token, c.body)
			if rec.Code != c.want {
				t.Fatalf("%s %s: %d, want %d: %s", c.method, c.path, rec.Code, c.want, rec.Body)
			}
			id := rec.Header().Get("X-Request-Id")
			var logged []float64
			for _, l := range logs.lines("request") {
				if l["request_id"] == id {
					logged = append(logged, l["status"].(float64))
				}
			}
			if len(logged) != 1 || int(logged[0]) != c.want {
				t.Errorf("%s %s answered %d, the access log says %v", c.method, c.path, c.want, logged)
			}
		}
		// A server error: the database is gone under the server.
		sqlDB, err := db.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		_ = sqlDB.Close()
		rec := a.as("centre", "GET", "/api/v1/candidats", nil)
		if rec.Code < 500 {
			t.Fatalf("closed database: %d", rec.Code)
		}
		id := rec.Header().Get("X-Request-Id")
		found := false
		for _, l := range logs.lines("request") {
			if l["request_id"] == id {
				found = int(l["status"].(float64)) == rec.Code
			}
		}
		if !found {
			t.Errorf("answered %d, not logged with that status:\n%s", rec.Code, logs)
		}
	})
}

// TestStrictJSONKeys: a key that matches a field only when case is ignored,
// and a key given twice, are refused with a 400 naming the key, before any
// work; encoding/json alone accepted both (the last duplicate winning).
func TestStrictJSONKeys(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		before := a.count("jetons")
		cases := []struct {
			name, path, token, body, code, champ string
		}{
			{"upper-case key", "/api/v1/auth/connexion", "", `{"IDENTIFIANT": "admin", "mot_de_passe": "admin-demo-cipcert"}`, "champ_inconnu", "IDENTIFIANT"},
			{"mixed-case key", "/api/v1/auth/connexion", "", `{"identifiant": "admin", "Mot_De_Passe": "admin-demo-cipcert"}`, "champ_inconnu", "Mot_De_Passe"},
			{"duplicate key", "/api/v1/auth/connexion", "", `{"identifiant": "inconnu", "identifiant": "admin", "mot_de_passe": "admin-demo-cipcert"}`, "champ_duplique", "identifiant"},
			{"nested case", "/api/v1/candidats", a.tokens["centre"], `{"titre_code": "TP-00403", "formation": {"Debut": "2026-01-05", "fin": "2026-06-30"}}`, "champ_inconnu", "formation.Debut"},
			{"nested duplicate", "/api/v1/candidats", a.tokens["centre"], `{"titre_code": "TP-00403", "ecf": [{"ccp": "CCP1", "ccp": "CCP2"}]}`, "champ_duplique", "ecf[0].ccp"},
			{"duplicate unknown to the type", "/api/v1/auth/connexion", "", `{"x": {"a": 1, "a": 2}}`, "champ_duplique", "x.a"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := wantProblem(t, a.do("POST", c.path, c.token, c.body), 400, c.champ)
				if p.Code != c.code {
					t.Errorf("code %q, want %q (%+v)", p.Code, c.code, p)
				}
			})
		}
		if got := a.count("jetons"); got != before {
			t.Errorf("%d tokens issued by refused logins", got-before)
		}
		// The exact names still sign in.
		a.login("admin", "admin-demo-cipcert")
	})
}
