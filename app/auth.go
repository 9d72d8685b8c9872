package app

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/cipcert/cipcert/certification"
)

const acteurKey = "acteur"

// authenticate resolves the bearer token into the acting account.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(h, " ")
		if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="cipcert"`)
			return &httpError{status: http.StatusUnauthorized, code: "authentification_requise",
				detail: "Authentification requise : envoyez « Authorization: Bearer <jeton> »."}
		}
		a, err := s.svc.Authentifier(c.Request().Context(), strings.TrimSpace(token))
		if err != nil {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="cipcert", error="invalid_token"`)
			return err
		}
		if a.SecondFacteurAActiver && !avantSecondFacteur[c.Request().Method+" "+c.Path()] {
			return secondFacteurAActiver()
		}
		c.Set(acteurKey, a)
		return next(c)
	}
}

// allow admits only the given roles; every authenticated route names its roles.
func allow(roles ...certification.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !acteur(c).Is(roles...) {
				return certification.Errorf(certification.ErrForbidden, "acces_refuse",
					"Votre rôle ne permet pas d'accéder à cette ressource.")
			}
			return next(c)
		}
	}
}

func acteur(c echo.Context) certification.Acteur {
	a, _ := c.Get(acteurKey).(certification.Acteur)
	return a
}

// limiter is a set of token buckets keyed by client address or identifiant.
// Buckets idle for long are dropped so that the map cannot grow forever.
type limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(every time.Duration, burst int) *limiter {
	return &limiter{every: every, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes one token for key and, when none is left, says how long to wait.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.bucket(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// peek says whether key has a token left, without taking it, and if not
// how long until it has one.
func (l *limiter) peek(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	tokens := l.bucket(key, now).TokensAt(now)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) * float64(l.every))
}

// full reports whether key's bucket is full: nothing was taken from it
// lately.
func (l *limiter) full(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, now).TokensAt(now) >= float64(l.burst)
}

// take takes one token for key, if there is one left.
func (l *limiter) take(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bucket(key, now).AllowN(now, 1)
}

// bucket returns key's bucket, dropping the buckets idle for long; l.mu is
// held.
func (l *limiter) bucket(key string, now time.Time) *rate.Limiter {
	if now.Sub(l.sweep) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > time.Duration(l.burst)*l.every {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim
}

func tooManyRequests(wait time.Duration) *httpError {
	secs := int(wait.Seconds()) + 1
	return &httpError{status: http.StatusTooManyRequests, code: "trop_de_requetes",
		detail: "Trop de requêtes : réessayez dans " + strconv.Itoa(secs) + " secondes.",
		header: http.Header{"Retry-After": []string{strconv.Itoa(secs)}}}
}

func tooManyAttempts(wait time.Duration) *httpError {
	secs := int(wait.Seconds()) + 1
	return &httpError{status: http.StatusTooManyRequests, code: "trop_de_tentatives",
		detail: "Trop de tentatives de connexion : réessayez dans " + strconv.Itoa(secs) + " secondes.",
		header: http.Header{"Retry-After": []string{strconv.Itoa(secs)}}}
}
