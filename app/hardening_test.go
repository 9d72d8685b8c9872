package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
		// A server error: the database is gone under the server, every
		// pool of it.
		_ = db.Close()
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
			{"deep nesting", "/api/v1/auth/connexion", "", `{"x": ` + strings.Repeat(`{"a": `, 100) + `1` + strings.Repeat("}", 100) + `}`, "json_invalide", ""},
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

func connexionFrom(a *api, ip, identifiant, motDePasse string, headers ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do("POST", "/api/v1/auth/connexion", "", connexion(identifiant, motDePasse), append(headers, remoteAddr+": "+ip)...)
}

// TestLoginLockoutTargeted: wrong passwords sent for jury2 from six
// addresses once locked the real user out (429 on its right password).
// Only failures count, and an address with no recent failure still has
// its password checked; the spike is logged with its count. The clock is
// the service's fixed one: nothing here depends on time passing.
func TestLoginLockoutTargeted(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a, logs := newLoggedAPI(t, db, app.Options{LoginBurst: 5, LoginEvery: 12 * time.Second})
		// Successes are not counted: ten in a row from one address.
		for range 10 {
			if rec := connexionFrom(a, "198.51.100.1", "jury2", "jury2-demo-cipcert"); rec.Code != http.StatusOK {
				t.Fatalf("successful logins counted: %d %s", rec.Code, rec.Body)
			}
		}
		attackers := []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5", "203.0.113.6"}
		for _, ip := range attackers {
			wantProblem(t, connexionFrom(a, ip, "jury2", "devine"), http.StatusUnauthorized, "")
		}
		// The real user, from its own address, signs in.
		if rec := connexionFrom(a, "198.51.100.1", "JURY2", "jury2-demo-cipcert"); rec.Code != http.StatusOK {
			t.Errorf("the real user after six failures from elsewhere: %d %s", rec.Code, rec.Body)
		}
		// An attacker who already failed does not get another guess at the
		// locked identifiant, not even the right one.
		rec := connexionFrom(a, attackers[0], "jury2", "jury2-demo-cipcert")
		if p := wantProblem(t, rec, http.StatusTooManyRequests, ""); p.Code != "trop_de_tentatives" || rec.Header().Get("Retry-After") == "" {
			t.Errorf("attacker's second guess: %+v, Retry-After %q", p, rec.Header().Get("Retry-After"))
		}
		// A fresh address gets its one guess, then joins the refused.
		wantProblem(t, connexionFrom(a, "203.0.113.7", "jury2", "devine"), http.StatusUnauthorized, "")
		wantProblem(t, connexionFrom(a, "203.0.113.7", "jury2", "devine"), http.StatusTooManyRequests, "")
		// Another identifiant is not held up by jury2's failures.
		if rec := connexionFrom(a, attackers[1], "jury1", "jury1-demo-cipcert"); rec.Code != http.StatusOK {
			t.Errorf("jury1 from an address that failed once on jury2: %d", rec.Code)
		}
		spikes := logs.lines("login failure spike")
		if len(spikes) == 0 {
			t.Fatalf("no spike logged:\n%s", logs)
		}
		first := spikes[0]
		if first["identifiant"] != "jury2" || first["failures"] != float64(6) || first["addresses"] != float64(6) {
			t.Errorf("spike line: %v", first)
		}
		// Logged again when the count doubles, not on every failure.
		if len(spikes) != 1 {
			t.Errorf("%d spike lines for 7 failures, want 1", len(spikes))
		}
	})
}

// TestTrustedProxies: without a trusted proxy, X-Forwarded-For is ignored
// (a client could write any address there); with one, the client address
// is the one the proxy appended, so that the clients behind one proxy do
// not share one address for the limits.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	remoteIP := func(logs *logBuffer, rec *httptest.ResponseRecorder) any {
		for _, l := range logs.lines("request") {
			if l["request_id"] == rec.Header().Get("X-Request-Id") {
				return l["remote_ip"]
			}
		}
		return nil
	}
	t.Run("none", func(t *testing.T) {
		a, logs := newLoggedAPI(t, db, app.Options{})
		rec := a.do("GET", "/healthz", "", nil, remoteAddr+": 10.1.2.3", "X-Forwarded-For: 203.0.113.9")
		if got := remoteIP(logs, rec); got != "10.1.2.3" {
			t.Errorf("spoofed X-Forwarded-For believed: remote_ip %v", got)
		}
	})
	t.Run("trusted", func(t *testing.T) {
		proxies, err := app.ParseTrustedProxies("10.0.0.0/8, 192.0.2.99")
		if err != nil {
			t.Fatal(err)
		}
		a, logs := newLoggedAPI(t, certtest.Open(t, "sqlite"), app.Options{TrustedProxies: proxies, LoginBurst: 1, LoginEvery: time.Minute})
		for _, c := range []struct{ from, xff, want string }{
			{"10.1.2.3", "203.0.113.9", "203.0.113.9"},
			{"10.1.2.3", "198.51.100.4, 203.0.113.9", "203.0.113.9"}, // the proxy appended the last one
			{"10.1.2.3", "203.0.113.9, 10.9.9.9", "203.0.113.9"},     // through two trusted proxies
			{"192.0.2.99", "203.0.113.8", "203.0.113.8"},
			{"192.0.2.10", "203.0.113.9", "192.0.2.10"}, // not a proxy: its header is ignored
		} {
			rec := a.do("GET", "/healthz", "", nil, remoteAddr+": "+c.from, "X-Forwarded-For: "+c.xff)
			if got := remoteIP(logs, rec); got != c.want {
				t.Errorf("from %s with X-Forwarded-For %q: remote_ip %v, want %s", c.from, c.xff, got, c.want)
			}
		}
		// One client behind the proxy exhausts its own failures (4 × burst)…
		for i := range 4 {
			wantProblem(t, connexionFrom(a, "10.1.2.3", "inconnu"+strconv.Itoa(i), "x", "X-Forwarded-For: 203.0.113.50"), http.StatusUnauthorized, "")
		}
		wantProblem(t, connexionFrom(a, "10.1.2.3", "inconnu9", "x", "X-Forwarded-For: 203.0.113.50"), http.StatusTooManyRequests, "")
		// …and another client behind the same proxy is not held up.
		if rec := connexionFrom(a, "10.1.2.3", "admin", "admin-demo-cipcert", "X-Forwarded-For: 203.0.113.51"); rec.Code != http.StatusOK {
			t.Errorf("another client behind the proxy: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("parse", func(t *testing.T) {
		for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0"} {
			if _, err := app.ParseTrustedProxies(bad); err == nil {
				t.Errorf("%q accepted", bad)
			}
		}
		if n, err := app.ParseTrustedProxies(" "); err != nil || len(n) != 0 {
			t.Errorf("empty list: %v %v", n, err)
		}
	})
}

// TestLoginOverloaded: when every hashing slot is taken for longer than
// HashWait, a login answers 503 with Retry-After instead of queueing.
func TestLoginOverloaded(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	var armed atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	opts := certtest.Options(t)
	opts.HashSlots, opts.HashWait = 1, time.Nanosecond
	opts.HashHook = func() {
		if armed.Load() {
			entered <- struct{}{}
			<-release
		}
	}
	svc := certtest.NewServiceWith(t, db, opts)
	certtest.SeedWith(t, svc, false)
	srv := app.New(svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UndocumentedError: undocumentedError(t)})
	login := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/auth/connexion", strings.NewReader(`{"identifiant":"admin","mot_de_passe":"admin-demo-cipcert"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	armed.Store(true)
	held := make(chan int)
	go func() { held <- login().Code }()
	<-entered
	rec := login()
	if p := wantProblem(t, rec, http.StatusServiceUnavailable, ""); p.Code != "serveur_occupe" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("login with the slot taken: %+v, Retry-After %q", p, rec.Header().Get("Retry-After"))
	}
	release <- struct{}{}
	if code := <-held; code != http.StatusOK {
		t.Errorf("the login holding the slot: %d", code)
	}
}

// TestSecurityHeaders: every answer says nosniff and no framing; data and
// errors carry a policy that runs nothing and are never stored by a cache;
// pages keep their own nonce policy, static files their immutable cache;
// HSTS only when the public address is https.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newAPI(t, certtest.Open(t, "sqlite"))
	common := func(what string, rec *httptest.ResponseRecorder) http.Header {
		t.Helper()
		h := rec.Header()
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: nosniff %q, X-Frame-Options %q, Referrer-Policy %q", what,
				h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"), h.Get("Referrer-Policy"))
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") && !strings.HasPrefix(what, "static") {
			t.Errorf("%s: Content-Security-Policy %q", what, h.Get("Content-Security-Policy"))
		}
		if !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS with an https public address", what)
		}
		return h
	}
	for _, c := range []struct {
		what string
		rec  *httptest.ResponseRecorder
	}{
		{"API data", a.as("centre", "GET", "/api/v1/candidats", nil)},
		{"API problem", a.as("centre", "GET", "/api/v1/candidats/01900000-0000-7000-8000-000000000000", nil)},
		{"unknown route", a.do("GET", "/api/v1/nulle-part", "", nil)},
		{"login", a.do("POST", "/api/v1/auth/connexion", "", connexion("admin", "admin-demo-cipcert"))},
	} {
		h := common(c.what, c.rec)
		if h.Get("Cache-Control") != "no-store" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: Cache-Control %q, Content-Security-Policy %q", c.what, h.Get("Cache-Control"), h.Get("Content-Security-Policy"))
		}
	}
	page := httptest.NewRequest("GET", "/connexion", nil)
	page.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, page)
	h := common("page", rec)
	if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self' 'nonce-") || h.Get("Cache-Control") != "no-store" {
		t.Errorf("page: Content-Security-Policy %q, Cache-Control %q", h.Get("Content-Security-Policy"), h.Get("Cache-Control"))
	}
	body := rec.Body.String()
	i := strings.Index(body, "/static/vendor/")
	if i < 0 {
		t.Fatal("no static file named by the sign-in page")
	}
	static := body[i : i+strings.IndexAny(body[i:], `"'`)]
	rec = httptest.NewRecorder()
	a.srv.ServeHTTP(rec, httptest.NewRequest("GET", static, nil))
	if h := common("static "+static, rec); rec.Code != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("static %s: %d, Cache-Control %q", static, rec.Code, h.Get("Cache-Control"))
	}

	// Over plain http, no HSTS: it would lock browsers out of the server.
	opts := certtest.Options(t)
	opts.PublicURL = "http://localhost:8080"
	plain := app.New(certtest.NewServiceWith(t, certtest.Open(t, "sqlite"), opts), app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec = httptest.NewRecorder()
	plain.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if v := rec.Header().Get("Strict-Transport-Security"); v != "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("http public address: HSTS %q", v)
	}
}

// TestRequestID: an incoming X-Request-Id is kept only when it is a short
// token of safe characters; otherwise the server makes its own.
func TestRequestID(t *testing.T) {
	t.Parallel()
	a := newAPI(t, certtest.Open(t, "sqlite"))
	ok := []string{"abc-123", "req_2026.12.03-XYZ", strings.Repeat("a", 64)}
	bad := []string{strings.Repeat("a", 65), strings.Repeat("x", 500_000), "a b", "id;drop", "ïd", "a\tb", "<script>"}
	for _, id := range ok {
		if got := a.do("GET", "/healthz", "", nil, "X-Request-Id: "+id).Header().Get("X-Request-Id"); got != id {
			t.Errorf("X-Request-Id %q answered as %q", id, got)
		}
	}
	for _, id := range bad {
		got := a.do("GET", "/healthz", "", nil, "X-Request-Id: "+id).Header().Get("X-Request-Id")
		if got == id || got == "" || len(got) > 64 || strings.Trim(got, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "" {
			t.Errorf("X-Request-Id of %d bytes answered as %.80q", len(id), got)
		}
	}
}

// demoDocuments issues the documents of the demo's validated session and
// returns the flow and its documents by type.
func demoDocuments(t *testing.T, db *certification.DB) (*flow, map[string]docOut) {
	t.Helper()
	f := newDemoFlow(t, db, certtest.Now)
	var id string
	if err := db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("validated demo session: %v", err)
	}
	return f, byType(f.issueAll(id))
}

// TestVerificationIdentityWalk: trying dates of birth on one code was
// unlimited (31 tries find the day). Failed identity checks are now
// limited per code, whatever the address: after 5, even the right identity
// is refused until a try comes back (one every 4 h 48 on the service's
// clock); the status stays readable, and other codes are not held up.
func TestVerificationIdentityWalk(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f, docs := demoDocuments(t, db)
		par, liv := docs["parchemin"], docs["livret"]
		path := "/verification/" + par.Code
		check := func(ip, naissance string) *httptest.ResponseRecorder {
			return f.do("POST", path, "", map[string]string{"nom": "Lefèvre", "date_naissance": naissance}, remoteAddr+": "+ip)
		}
		for day := 1; day <= 5; day++ {
			wantCode(t, check("203.0.113."+strconv.Itoa(day), "1994-05-0"+strconv.Itoa(day)), http.StatusUnprocessableEntity, "identite_non_concordante")
		}
		rec := check("203.0.113.6", "1994-05-17")
		wantCode(t, rec, http.StatusTooManyRequests, "verifications_identite_epuisees")
		if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 5*3600 {
			t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
		}
		if strings.Contains(rec.Body.String(), "Camille") {
			t.Error("the refused check disclosed the name")
		}
		// The status is still public; another document is not held up.
		if v := f.verify(par.Code, ""); v.Statut != "valide" {
			t.Errorf("status after the walk: %+v", v)
		}
		var v verificationOut
		f.ok(f.do("POST", "/verification/"+liv.Code, "", map[string]string{"nom": "NGUYEN", "date_naissance": "1983-11-02"}), http.StatusOK, &v)
		if v.NomComplet == "" {
			t.Errorf("another code's holder: %+v", v)
		}
		// A try comes back after a fifth of a day, on the service's clock.
		f.advance(24*time.Hour/5 + time.Second)
		f.ok(check("198.51.100.1", "1994-05-17"), http.StatusOK, &v)
		if v.NomComplet != "Camille Éloïse Lefèvre" {
			t.Errorf("after the wait: %+v", v)
		}
		wantCode(t, check("198.51.100.1", "1994-05-18"), http.StatusUnprocessableEntity, "identite_non_concordante")
		wantCode(t, check("198.51.100.1", "1994-05-17"), http.StatusTooManyRequests, "verifications_identite_epuisees")
		// Malformed input is not a failed check of the holder.
		wantProblem(t, f.do("POST", "/verification/"+liv.Code, "", map[string]string{"nom": "", "date_naissance": "1988-02-30"}), http.StatusUnprocessableEntity, "date_naissance")
	})
}

// TestAccessLogRedaction: the identity a verification or a search carries,
// and the activation, invitation or reset token in its path, never reach
// the access log.
func TestAccessLogRedaction(t *testing.T) {
	t.Parallel()
	a, logs := newLoggedAPI(t, certtest.Open(t, "sqlite"), app.Options{})
	a.as("centre", "GET", "/api/v1/candidats?nom=Lef%C3%A8vre&limite=5", nil)
	a.do("GET", "/verification/ABCD-EFGH-JKLM?nom=Lefevre&DATE_NAISSANCE=1994-05-17&prenoms=Camille", "", nil)
	for _, p := range []string{"/activation/jeton-secret-d-activation", "/invitation/jeton-secret-d-invitation", "/reinitialisation/jeton-secret-de-reinitialisation"} {
		page := httptest.NewRequest("GET", p, nil)
		page.Header.Set("Accept", "text/html")
		a.srv.ServeHTTP(httptest.NewRecorder(), page)
	}
	var uris []string
	for _, l := range logs.lines("request") {
		uris = append(uris, l["uri"].(string))
	}
	all := strings.Join(uris, "\n")
	for _, secret := range []string{"Lef", "1994", "Camille", "jeton-secret"} {
		if strings.Contains(all, secret) {
			t.Errorf("the access log holds %q:\n%s", secret, all)
		}
	}
	for _, want := range []string{"/api/v1/candidats?nom=***&limite=5", "/verification/ABCD-EFGH-JKLM?nom=***&DATE_NAISSANCE=***&prenoms=***", "/activation/***", "/invitation/***", "/reinitialisation/***"} {
		if !strings.Contains(all, want) {
			t.Errorf("no line %q in:\n%s", want, all)
		}
	}
}
