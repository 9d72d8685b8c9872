package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

// Options tunes a Server; the zero value gives production settings.
type Options struct {
	Logger *slog.Logger
	// LoginEvery and LoginBurst set the limit on failed logins (see
	// loginGuard): per identifiant LoginBurst failures, then one per
	// LoginEvery; per client address four times as many.
	LoginEvery time.Duration
	LoginBurst int
	// VerificationBurst is how many public verifications an address may
	// make at once, then one a second (default 60).
	VerificationBurst int
	// TrustedProxies are the address ranges of the reverse proxies in front
	// of the server. A request coming from one of them is counted, by the
	// limits and in the log, under the client address the proxy appends
	// to X-Forwarded-For; any other request under its own address, its
	// X-Forwarded-For ignored, since a client could write anything there.
	// None by default: the server faces its clients directly.
	TrustedProxies []*net.IPNet
	// Neutre shows the pages without the État's bloc marque and Marianne
	// typeface, which only State services may use (see web.Config).
	Neutre bool
	// Mentions are the operator's legal mentions, shown on the public
	// pages (web.Mentions); the zero value shows the demo's.
	Mentions web.Mentions
	// RequestTimeout bounds the work done for one request (default 15 s):
	// past it, the database calls are cancelled and the client gets a 503.
	RequestTimeout time.Duration
	// UndocumentedError hears of an error code a route answered without
	// its OpenAPI operation listing it; by default it is logged.
	UndocumentedError func(route, code string)
}

// Server is the HTTP API.
type Server struct {
	echo   *echo.Echo
	svc    *certification.Service
	log    *slog.Logger
	logins *loginGuard
	// resets limits the password reset requests, per client address and
	// per e-mail address, apart from the logins so that neither spends
	// the other's budget.
	resets     *loginGuard
	verifyByIP *limiter
	identites  *identityGuard
	// web serves the pages; verificationPage is its answer to a browser
	// on the API's /verification/:code.
	web                     *web.Web
	verificationPage        echo.HandlerFunc
	verificationConfirmPage echo.HandlerFunc
	// imports holds the files of candidats between dry run and confirmation.
	imports *importeur
}

// New builds the API on svc.
func New(svc *certification.Service, opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.LoginEvery == 0 {
		opt.LoginEvery = 12 * time.Second
	}
	if opt.LoginBurst == 0 {
		opt.LoginBurst = 5
	}
	if opt.VerificationBurst == 0 {
		opt.VerificationBurst = 60
	}
	if opt.RequestTimeout == 0 {
		opt.RequestTimeout = 15 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(opt.TrustedProxies)
	s := &Server{
		echo: e, svc: svc, log: opt.Logger,
		logins: newLoginGuard(opt.LoginEvery, opt.LoginBurst, opt.Logger),
		resets: newLoginGuard(opt.LoginEvery, opt.LoginBurst, opt.Logger),
		// Verification codes are unguessable, but a scan still costs us: 60 a
		// minute per address is plenty for people following QR codes.
		verifyByIP: newLimiter(time.Second, opt.VerificationBurst),
		identites:  newIdentityGuard(),
	}
	if opt.UndocumentedError == nil {
		opt.UndocumentedError = func(route, code string) {
			opt.Logger.Warn("error code missing from the API document", "route", route, "code", code)
		}
	}
	s.imports = newImporteur(svc)
	w, err := web.New(web.Config{Service: svc, Limits: sharedLimits{s}, Logger: opt.Logger, Neutre: opt.Neutre, Mentions: opt.Mentions,
		Referentiel: referentielFormat{svc}, Import: s.imports})
	if err != nil {
		panic(err) // the templates are embedded: failing to parse them is a bug
	}
	s.web, s.verificationPage = w, w.Delegate(http.MethodGet, "/verification/:code")
	s.verificationConfirmPage = w.Delegate(http.MethodPost, "/verification/:code")
	e.HTTPErrorHandler = errorHandler(opt.Logger, opt.UndocumentedError, w.ErrorPage)
	// The route-table tests build the server without a service.
	https := svc != nil && strings.HasPrefix(svc.PublicURL(), "https://")
	e.Use(s.front(opt.Logger, https, opt.RequestTimeout))
	s.routes()
	w.Register(e)
	return s
}

// sharedLimits gives the web the API's login and verification limiters, so
// that switching from one to the other buys no extra attempts.
type sharedLimits struct{ s *Server }

func (l sharedLimits) AllowLogin(ip, identifiant string, now time.Time) (bool, time.Duration) {
	return l.s.logins.allow(ip, identifiant, now)
}

func (l sharedLimits) LoginFailed(ip, identifiant string, now time.Time) {
	l.s.logins.failed(ip, identifiant, now)
}

func (l sharedLimits) AllowReset(ip, email string, now time.Time) (bool, time.Duration) {
	return l.s.resets.request(ip, email, now)
}

func (l sharedLimits) AllowVerification(ip string, now time.Time) (bool, time.Duration) {
	return l.s.verifyByIP.allow(ip, now)
}

func (l sharedLimits) AllowIdentityCheck(code string, now time.Time) (bool, time.Duration) {
	return l.s.identites.allow(code, now)
}

func (l sharedLimits) IdentityCheckFailed(code string, now time.Time) {
	l.s.identites.failed(code, now)
}

// ipExtractor reads the client address from X-Forwarded-For only when the
// request comes from a trusted proxy, and then only the rightmost address
// no trusted proxy wrote. Echo's defaults trust loopback and private
// ranges: they are turned off, so that only the ranges listed are trusted.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ParseTrustedProxies reads a comma-separated list of CIDR ranges or
// single addresses ("10.0.0.0/8, 192.0.2.7").
func ParseTrustedProxies(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Routes lists "METHOD path" for every registered API route; the web's
// pages are listed by web.Pages.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		// Echo registers catch-alls for groups with middleware; they are not API.
		if strings.HasPrefix(r.Method, "echo_") || web.IsPage(r.Method, r.Path) {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// front is what every request goes through before its route's handler,
// outermost first: the security headers, the request id, the access log,
// the recovery from panics (inside the log, so that a panic is logged with
// the 500 it became), the body limits, the check of the URL and the
// deadline. It is one middleware, not nine: Echo v4 wraps the handler in
// the server's middleware again at each request, one closure per
// middleware.
func (s *Server) front(log *slog.Logger, https bool, timeout time.Duration) echo.MiddlewareFunc {
	headers := securityHeaders(https)
	// Files of candidats are uploaded to a few routes only (uploadLimit);
	// every other body keeps the 1 Mio limit. A larger body is refused
	// from its Content-Length, before it is read.
	bodyLimit := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: isUpload})
	inner := func(c echo.Context, next echo.HandlerFunc) error {
		if err := cleanURL(c); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Before(headers(c.Response()))
			id := requestID(c)
			start := time.Now()
			err := recovered(c, log, func() error {
				// A request without a body (GET, HEAD, DELETE) has
				// nothing to limit.
				if body := c.Request().Body; body == nil || body == http.NoBody {
					return inner(c, next)
				}
				return bodyLimit(uploadLimit(func(c echo.Context) error { return inner(c, next) }))(c)
			})
			// The error handler answers before the status is logged, so
			// that the line has the status the client received: a
			// problem+json 4xx, a 404 of the router, a 500 after a panic.
			if err != nil {
				c.Error(err)
			}
			logRequest(log, c, id, time.Since(start))
			return err
		}
	}
}

// recovered runs fn, turning a panic into a logged 500 answered by the
// error handler.
func recovered(c echo.Context, log *slog.Logger, fn func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		e, ok := r.(error)
		if !ok {
			e = fmt.Errorf("%v", r)
		}
		stack := make([]byte, 4<<10)
		stack = stack[:runtime.Stack(stack, true)]
		log.Error("panic", "err", e, "stack", string(stack))
		c.Error(e)
		err = nil
	}()
	return fn()
}

// cleanURL refuses a path (404) or query (400) that is not valid UTF-8 or holds a NUL:
// no identifier of ours looks like that, and PostgreSQL rejects such text
// with an error that would otherwise surface as a 500.
func cleanURL(c echo.Context) error {
	u := c.Request().URL
	bad := func(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }
	if bad(u.Path) {
		return &httpError{status: http.StatusNotFound, code: "introuvable", detail: "Aucune ressource à cette adresse."}
	}
	if u.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return badRequest("parametres_invalides", "Les paramètres de l'adresse sont mal encodés.")
	}
	if he := queryTooLong(u.RawQuery, q); he != nil {
		return he
	}
	for k, vs := range q {
		for _, v := range vs {
			if bad(k) || bad(v) {
				return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.",
					ChampErreur{k, "caracteres_invalides", "Ce paramètre contient des caractères invalides."})
			}
		}
	}
	return nil
}

// isUpload reports whether the request posts a file: a file of candidats
// or a piece attached to a recours.
func isUpload(c echo.Context) bool {
	_, _, ok := uploadLimite(c)
	return ok
}

// uploadLimite is the largest body an upload accepts, and the refusal of a
// larger one; ok is false for a request that uploads nothing.
func uploadLimite(c echo.Context) (max int64, trop error, ok bool) {
	if c.Request().Method != http.MethodPost {
		return 0, nil, false
	}
	switch c.Path() {
	case "/api/v1/candidats/import/essai", web.PageImportCandidats:
		return maxCorpsImport, fichierTropGros, true
	case "/api/v1/recours/:id/pieces":
		return certification.MaxPieceRecours + 1<<20, pieceTropGrosse, true
	case web.PageRecoursDepot:
		return certification.MaxPiecesRecours + 1<<20, piecesTropGrosses, true
	}
	return 0, nil, false
}

// piecesTropGrosses refuses a recours whose attachments exceed the limit.
var piecesTropGrosses = &httpError{status: http.StatusRequestEntityTooLarge, code: "fichier_trop_volumineux",
	detail: "Les pièces jointes dépassent 10 Mio en tout : joignez des fichiers plus légers (PDF, PNG ou JPEG, 5 Mio au plus chacun)."}

// maxCorpsImport is the largest upload of a file of candidats: the file
// and what multipart wraps it in.
const maxCorpsImport = MaxFichierImport + 1<<20

// uploadLimit refuses an upload larger than its limit from its
// Content-Length, before reading it, and stops reading a body that grows
// past it; the refusal says the file is too large.
func uploadLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		max, trop, ok := uploadLimite(c)
		if !ok {
			return next(c)
		}
		r := c.Request()
		if r.ContentLength > max {
			return trop
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, max)
		return next(c)
	}
}
