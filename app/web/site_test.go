package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
	"github.com/cipcert/cipcert/fixtures"
)

// site is the whole server (API and pages) on a real listener, seeded
// with the demo data.
type site struct {
	t   *testing.T
	db  *certification.DB
	svc *certification.Service
	srv *httptest.Server
}

func newSite(t *testing.T, db *certification.DB) *site {
	t.Helper()
	return newSiteWith(t, db, app.Options{})
}

func newSiteWith(t *testing.T, db *certification.DB, opt app.Options) *site {
	t.Helper()
	return newSiteWrapped(t, db, opt, nil)
}

// newSiteWrapped is newSiteWith whose handler wrap wraps, when not nil: a
// test holds a request there until it has seen what it came for.
func newSiteWrapped(t *testing.T, db *certification.DB, opt app.Options, wrap func(http.Handler) http.Handler) *site {
	t.Helper()
	return newSiteFull(t, db, opt, wrap, "", nil)
}

// newSiteMail is newSite whose job queue runs, writing the e-mails into
// the folder maildir as the demo does.
func newSiteMail(t *testing.T, db *certification.DB, maildir string) *site {
	t.Helper()
	return newSiteFull(t, db, app.Options{}, nil, maildir, nil)
}

// newSiteService is newSiteWrapped whose service options svcOpt adjusts
// first, when not nil.
func newSiteService(t *testing.T, db *certification.DB, opt app.Options, wrap func(http.Handler) http.Handler, svcOpt func(*certification.Options)) *site {
	t.Helper()
	return newSiteFull(t, db, opt, wrap, "", svcOpt)
}

func newSiteFull(t *testing.T, db *certification.DB, opt app.Options, wrap func(http.Handler) http.Handler, maildir string, svcOpt func(*certification.Options)) *site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	// Cookies are Secure when the public address is https: here it is not.
	o := certtest.Options(t)
	o.PublicURL = "http://" + srv.Listener.Addr().String()
	o.AllowHTTPPublicURL = true
	var q *queue.Queue
	if maildir != "" {
		var err error
		q, err = queue.New(context.Background(), db, queue.Config{PollInterval: 20 * time.Millisecond,
			Sender: mail.Dir{Path: maildir, From: "ne-pas-repondre@cipcert.test", Domain: "cipcert.test"}})
		if err != nil {
			t.Fatal(err)
		}
		o.Jobs = q
	}
	if svcOpt != nil {
		svcOpt(&o)
	}
	svc := certtest.NewServiceWith(t, db, o)
	certtest.Seed(t, svc)
	if q != nil {
		if err := q.Start(context.Background(), svc); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Stop(context.Background()) })
	}
	s := &site{t: t, db: db, svc: svc, srv: srv}
	opt.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	if opt.LoginBurst == 0 {
		opt.LoginBurst = 1000 // only the rate-limit checks exercise the limiter
	}
	var h http.Handler = app.New(svc, opt)
	if wrap != nil {
		h = wrap(h)
	}
	s.srv.Config.Handler = h
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// acteur signs a demo account in through the service, for set-up steps.
func (s *site) acteur(identifiant string) certification.Acteur {
	s.t.Helper()
	ctx := context.Background()
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == identifiant {
			tok, _, err := s.svc.Connexion(ctx, acc.Identifiant, acc.MotDePasse)
			if err != nil {
				s.t.Fatal(err)
			}
			a, err := s.svc.Authentifier(ctx, tok)
			if err != nil {
				s.t.Fatal(err)
			}
			return a
		}
	}
	s.t.Fatalf("no demo account %q", identifiant)
	return certification.Acteur{}
}

// password returns a demo account's password.
func password(identifiant string) string {
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == identifiant {
			return acc.MotDePasse
		}
	}
	return ""
}

// issueDemoDocuments issues the documents of the demo's validated session.
func (s *site) issueDemoDocuments() []certification.Document {
	s.t.Helper()
	var id string
	if err := s.db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
		s.t.Fatalf("validated demo session: %v", err)
	}
	ds, err := s.svc.EmettreDocumentsSession(context.Background(), s.acteur("dreets"), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return ds
}

// candidatID returns the id of the demo candidat with that nom de naissance.
func (s *site) candidatID(nom string) string {
	s.t.Helper()
	var id string
	if err := s.db.Table("candidats").Select("id").Where("nom_naissance = ?", nom).Scan(&id).Error; err != nil || id == "" {
		s.t.Fatalf("demo candidat %s: %v", nom, err)
	}
	return id
}

// client is a browser without JavaScript: cookies, no redirect following.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (s *site) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, base: s.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// forbidden checks that each of the demo accounts ids, signed in, gets 403
// on every path.
func (s *site) forbidden(t *testing.T, ids []string, paths ...string) {
	t.Helper()
	for _, id := range ids {
		c := s.client()
		c.login(id)
		for _, p := range paths {
			if got := c.get(p); got.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", id, p, got.Status)
			}
		}
	}
}

type page struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

// do sends a request; headers are name, value pairs added to it.
func (c *client) do(method, path string, form url.Values, accept string, headers ...string) page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", accept)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req)
}

// send sends a prepared request and reads the answer.
func (c *client) send(req *http.Request) page {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b), res.Header, res.Header.Get("Location")}
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func (c *client) get(path string) page { return c.do("GET", path, nil, browserAccept) }

// post sends a form with the CSRF token of the page at from.
func (c *client) post(from, path string, form url.Values) page {
	c.t.Helper()
	form.Set("_csrf", csrfOf(c.t, c.get(from).Body))
	return c.do("POST", path, form, browserAccept)
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in %s", body)
	}
	return m[1]
}

// login signs in through the form and returns where it redirected.
func (c *client) login(identifiant string) string {
	c.t.Helper()
	p := c.post("/connexion", "/connexion", url.Values{"identifiant": {identifiant}, "mot_de_passe": {password(identifiant)}})
	if p.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", identifiant, p.Status, p.Body)
	}
	return p.Location
}

func regexpFind(t *testing.T, expr, s string) string {
	t.Helper()
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found", expr)
	}
	return m[1]
}

// testWriter sends the server's error logs to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// token signs a demo account in and returns its API bearer token.
func (s *site) token(identifiant string) string {
	s.t.Helper()
	tok, _, err := s.svc.Connexion(context.Background(), identifiant, password(identifiant))
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}
