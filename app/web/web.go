package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/cipcert/cipcert/certification"
)

//go:embed templates static
var files embed.FS

// Limits are the rate limits the web shares with the API, so that a person
// cannot double its attempts by switching from one to the other.
type Limits interface {
	// AllowLogin says whether a login attempt from a client address for an
	// identifiant may be checked; when not, how long to wait.
	AllowLogin(ip, identifiant string, now time.Time) (bool, time.Duration)
	// LoginFailed records a wrong password: only failures count.
	LoginFailed(ip, identifiant string, now time.Time)
	// AllowReset counts a password reset request from a client address for
	// an e-mail address; when refused, how long to wait.
	AllowReset(ip, email string, now time.Time) (bool, time.Duration)
	// AllowVerification takes one public verification for a client address.
	AllowVerification(ip string, now time.Time) (bool, time.Duration)
	// AllowIdentityCheck says whether the holder of a verification code
	// may be checked now (failed checks are limited per code), and if not
	// how long to wait; IdentityCheckFailed records a failed one.
	AllowIdentityCheck(code string, now time.Time) (bool, time.Duration)
	IdentityCheckFailed(code string, now time.Time)
}

// Config is what the web interface needs from the server that mounts it.
type Config struct {
	Service *certification.Service
	Limits  Limits
	Logger  *slog.Logger
	// Neutre is for an operator that is not a State service: the
	// État's bloc marque, its Marianne typeface and its institutional
	// links are reserved to State services, so the pages then show the
	// same layout without them.
	Neutre bool
	// Referentiel reads and writes the référentiel's file format, which
	// the API owns.
	Referentiel ReferentielFormat
	// Import reads the files of candidats the centre imports.
	Import Importeur
	// Mentions are the operator's, on the mandatory public pages; the
	// zero value shows MentionsDemo.
	Mentions Mentions
}

// ReferentielFormat is the référentiel's file format: one titre, as the
// fixtures describe it.
type ReferentielFormat interface {
	// Import reads a file; a file of another format is refused with a
	// *certification.Error naming the field "fichier".
	Import(data []byte) (certification.TitreDef, error)
	// Export writes a titre as a file that Import reads back.
	Export(td certification.TitreDef) ([]byte, error)
}

// Web serves the pages.
type Web struct {
	svc    *certification.Service
	limits Limits
	log    *slog.Logger
	tmpl   map[string]*templateSet
	// secure marks cookies Secure: the public address is https.
	secure bool
	// appStatic is the versioned prefix of our own static files.
	appStatic string
	neutre    bool
	ref       ReferentielFormat
	importeur Importeur
	mentions  Mentions
}

// New parses the templates and prepares the pages.
func New(cfg Config) (*Web, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Web{svc: cfg.Service, limits: cfg.Limits, log: cfg.Logger, neutre: cfg.Neutre, ref: cfg.Referentiel,
		importeur: cfg.Import, mentions: cfg.Mentions}
	if w.mentions == (Mentions{}) {
		w.mentions = MentionsDemo
	}
	// The route-table tests build the server without a service: no page is
	// served then, only the routes are listed.
	if cfg.Service != nil {
		w.secure = strings.HasPrefix(cfg.Service.PublicURL(), "https://")
	}
	sum, err := hashDir("static/app")
	if err != nil {
		return nil, err
	}
	w.appStatic = "/static/app@" + sum
	if w.tmpl, err = parseTemplates(w); err != nil {
		return nil, err
	}
	return w, nil
}

// Register mounts the static files and every page of the table on e, each
// behind the session, CSRF and role checks its row asks for. Rows served by
// the API's own route (see Page.ServedByAPI) are left to Delegate.
func (w *Web) Register(e *echo.Echo) {
	// The DSFR's stylesheet is 728 KB, 94 KB compressed: compress what
	// is worth it, once per response (the files are small enough).
	e.GET("/static/*", w.handleStatic, middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024}))
	for _, p := range Pages() {
		if p.ServedByAPI {
			continue
		}
		e.Add(p.Method, p.Path, w.chain(p))
	}
}

// Delegate returns the page handler, with its middleware, for a route the
// API registers itself and hands to the web when a browser asks for HTML.
func (w *Web) Delegate(method, path string) echo.HandlerFunc {
	for _, p := range Pages() {
		if p.Method == method && p.Path == path {
			return w.chain(p)
		}
	}
	panic("web: no page " + method + " " + path)
}

// PrefersHTML reports whether the client asks for a page rather than data:
// text/html is listed and ranked at least as high as JSON. curl's */* and
// API clients' application/json get data.
func PrefersHTML(r *http.Request) bool {
	html, json := -1.0, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		typ, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch typ {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/json", "application/problem+json":
			json = max(json, q)
		}
	}
	return html > 0 && html >= json
}

// staticMaxAge is one year: every static path carries a version, so a file
// at a given address never changes.
const staticCache = "public, max-age=31536000, immutable"

func (w *Web) handleStatic(c echo.Context) error {
	name := c.Param("*")
	// Our own files live under app@HASH; anything else under vendor/ names
	// its version in its path.
	var path string
	switch {
	case strings.HasPrefix(name, strings.TrimPrefix(w.appStatic, "/static/")+"/"):
		path = "static/app/" + strings.TrimPrefix(name, strings.TrimPrefix(w.appStatic, "/static/")+"/")
	case strings.HasPrefix(name, "vendor/"):
		path = "static/" + name
	default:
		return echo.ErrNotFound
	}
	if strings.Contains(path, "..") {
		return echo.ErrNotFound
	}
	f, err := fs.Stat(files, path)
	if err != nil || f.IsDir() {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", staticCache)
	http.ServeFileFS(c.Response(), c.Request(), files, path)
	return nil
}

// hashDir is a short digest of the files under dir, to version their URL.
func hashDir(dir string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(files, dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}
