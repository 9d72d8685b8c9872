package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// api is a seeded server driven through its real Echo instance, so routing,
// binding, validation and the error handler are all exercised.
type api struct {
	t      *testing.T
	db     *certification.DB
	svc    *certification.Service
	srv    *app.Server
	mu     sync.Mutex
	now    time.Time
	tokens map[string]string // demo identifiant → bearer token
}

func newAPI(t *testing.T, db *certification.DB) *api {
	return newAPIWith(t, db, app.Options{})
}

func newAPIWith(t *testing.T, db *certification.DB, opt app.Options) *api {
	t.Helper()
	return newAPIService(t, db, opt, nil)
}

// newAPIJobs is newAPIWith whose service enqueues its jobs into jobs.
func newAPIJobs(t *testing.T, db *certification.DB, opt app.Options, jobs certification.Jobs) *api {
	t.Helper()
	return newAPIService(t, db, opt, func(o *certification.Options) { o.Jobs = jobs })
}

// newAPIService is newAPIWith whose service options svcOpt adjusts first,
// when not nil.
func newAPIService(t *testing.T, db *certification.DB, opt app.Options, svcOpt func(*certification.Options)) *api {
	t.Helper()
	a := &api{t: t, db: db, now: certtest.Now, tokens: map[string]string{}}
	opts := certtest.Options(t)
	opts.Now = a.clock
	if svcOpt != nil {
		svcOpt(&opts)
	}
	a.svc = certtest.NewServiceWith(t, db, opts)
	// The stories start from the demo candidats without any history: the
	// demo sessions (Lefèvre's titre, Nguyễn's partial success) would make
	// their enrolments refuse. TestDemoSessions seeds them explicitly.
	certtest.SeedWith(t, a.svc, false)
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.LoginBurst == 0 {
		opt.LoginBurst = 1000 // only the rate-limit test exercises the limiter
	}
	if opt.UndocumentedError == nil {
		opt.UndocumentedError = undocumentedError(t)
	}
	a.srv = app.New(a.svc, opt)
	for _, acc := range fixtures.DemoComptes {
		a.tokens[acc.Identifiant] = a.login(acc.Identifiant, acc.MotDePasse)
	}
	return a
}

// undocumentedError fails the test when a route answers an error code its
// OpenAPI operation does not list: every test that drives the API checks
// the document against what it observes.
func undocumentedError(t testing.TB) func(route, code string) {
	return func(route, code string) {
		t.Errorf("%s answered code %q, which its OpenAPI operation does not list", route, code)
	}
}

func (a *api) clock() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now
}

// advance moves the service clock forward.
func (a *api) advance(d time.Duration) {
	a.mu.Lock()
	a.now = a.now.Add(d)
	a.mu.Unlock()
}

func (a *api) login(identifiant, password string) string {
	a.t.Helper()
	rec := a.do("POST", "/api/v1/auth/connexion", "", map[string]string{"identifiant": identifiant, "mot_de_passe": password})
	if rec.Code != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", identifiant, rec.Code, rec.Body)
	}
	var out struct{ Jeton string }
	mustJSON(a.t, rec, &out)
	return out.Jeton
}

// remoteAddr, given as a header to do, sets the client address the
// request comes from instead ("Remote-Addr: 198.51.100.7").
const remoteAddr = "Remote-Addr"

// do sends a request. body may be nil, a string or []byte (sent raw), or
// any value (sent as JSON). headers are "Name: value" pairs.
func (a *api) do(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.10:40000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if strings.TrimSpace(k) == remoteAddr {
			req.RemoteAddr = strings.TrimSpace(v) + ":40000"
			continue
		}
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	// Every answer of every test that drives the API is checked against
	// the OpenAPI document.
	checkAnswer(a.t, req, rec)
	return rec
}

// as sends a request with the token of a demo account.
func (a *api) as(identifiant, method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	tok, ok := a.tokens[identifiant]
	if !ok {
		a.t.Fatalf("no demo account %q", identifiant)
	}
	return a.do(method, path, tok, body, headers...)
}

// count returns the number of rows of a table.
func (a *api) count(table string) int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Table(table).Count(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

func mustJSON(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
}

// problem is the decoded body of an error answer.
type problem struct {
	Type, Title, Detail, Code string
	Status                    int
	Erreurs                   []struct{ Champ, Code, Message string }
}

// wantProblem checks an error answer: status, problem+json, a code, a French
// detail, and, if field is not empty, an error naming that field.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, field string) problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	mustJSON(t, rec, &p)
	if p.Code == "" || p.Detail == "" || p.Status != status {
		t.Fatalf("incomplete problem: %+v", p)
	}
	if field != "" {
		var names []string
		for _, e := range p.Erreurs {
			if e.Champ == field {
				return p
			}
			names = append(names, e.Champ)
		}
		t.Fatalf("no error on field %q (fields: %v; problem %+v)", field, names, p)
	}
	return p
}

// candidatID returns the id of the demo candidat with that nom de naissance.
func (a *api) candidatID(nom string) string {
	a.t.Helper()
	var id string
	if err := a.db.Table("candidats").Select("id").Where("nom_naissance = ?", nom).Scan(&id).Error; err != nil || id == "" {
		a.t.Fatalf("demo candidat %s: %v", nom, err)
	}
	return id
}
