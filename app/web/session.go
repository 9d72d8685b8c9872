package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

const (
	sessionCookie = "cipcert_session"
	csrfCookie    = "cipcert_csrf"
	csrfField     = "_csrf"
	acteurKey     = "web.acteur"
	tokenKey      = "web.token"
	nonceKey      = "web.nonce"
	pageKey       = "web.page"
	csrfKey       = "web.csrf"
)

// session resolves the session cookie, which holds the same revocable
// bearer token as the API, into the acting account. An invalid or expired
// cookie is dropped; whether the page needs an account is requireRoles'
// business.
func (w *Web) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			// The CSRF token derives from the cookie as sent, valid or not,
			// so that a form loaded before the session expired still gets
			// its user to the sign-in page rather than a refusal.
			c.Set(tokenKey, ck.Value)
			a, err := w.svc.Authentifier(c.Request().Context(), ck.Value)
			switch {
			case err == nil:
				c.Set(acteurKey, a)
			case errors.Is(err, certification.ErrUnauthorized):
				w.clearSession(c)
				c.Set(sessionFinieKey, true)
			default:
				return err
			}
		}
		return next(c)
	}
}

// acteur returns the signed-in account, if any.
func acteur(c echo.Context) (certification.Acteur, bool) {
	a, ok := c.Get(acteurKey).(certification.Acteur)
	return a, ok
}

// requireRoles sends a visitor without a session to the sign-in page, which
// brings it back here afterwards, and refuses a role the page does not admit.
func (w *Web) requireRoles(p Page, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(p.Roles) == 0 {
			return next(c)
		}
		a, ok := acteur(c)
		if !ok {
			suite := ""
			if c.Request().Method == http.MethodGet {
				suite = c.Request().URL.RequestURI()
			}
			to := connexionURL(suite)
			if fini, _ := c.Get(sessionFinieKey).(bool); fini {
				// Expired, signed out elsewhere or the account deactivated:
				// the sign-in page says why the user is there.
				sep := "?"
				if strings.Contains(to, "?") {
					sep = "&"
				}
				to += sep + "info=session-terminee"
			}
			return c.Redirect(http.StatusSeeOther, to)
		}
		if !slices.Contains(p.Roles, a.Role) {
			return certification.Errorf(certification.ErrForbidden, "acces_refuse",
				"Votre rôle ne permet pas d'ouvrir cette page.")
		}
		if a.SecondFacteurAActiver && !avantSecondFacteur[p.Method+" "+p.Path] {
			return c.Redirect(http.StatusSeeOther, secondFacteurPath)
		}
		return next(c)
	}
}

func connexionURL(suite string) string {
	if suite == "" || suite == "/" {
		return "/connexion"
	}
	return "/connexion?suite=" + url.QueryEscape(suite)
}

// localPath accepts only a path of this site as the page to return to
// after sign-in: never another host, nor a scheme-relative //host.
func localPath(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") ||
		strings.ContainsAny(s, "\r\n\t\\") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return s
}

// setSession stores the token in the cookie for as long as the token lives;
// Max-Age rather than Expires, so that a browser's clock does not matter.
func (w *Web) setSession(c echo.Context, token string, exp time.Time) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(exp.Sub(w.svc.Now()).Seconds()),
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

func (w *Web) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

// csrf protects every state-changing form. The token each form carries is
// derived from a random cookie and the session, so a page of another site
// can neither read it nor forge it, and signing in changes it. Browsers'
// Sec-Fetch-Site is not trusted alone: the token is checked on every POST.
func (w *Web) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		seed := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
			seed = ck.Value
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			got := c.Request().PostFormValue(csrfField)
			if got == "" {
				got = c.Request().Header.Get("X-CSRF-Token")
			}
			want := csrfToken(seed, sessionOf(c))
			if seed == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				return certification.Errorf(certification.ErrForbidden, "formulaire_expire",
					"Ce formulaire a expiré ou ne provient pas de cipcert : rechargez la page et recommencez.")
			}
		}
		if seed == "" {
			seed = randomString(32)
			c.SetCookie(&http.Cookie{Name: csrfCookie, Value: seed, Path: "/",
				HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
		}
		c.Set(csrfKey, seed)
		return next(c)
	}
}

// sessionOf is the session cookie's value as the browser sent it.
func sessionOf(c echo.Context) string {
	s, _ := c.Get(tokenKey).(string)
	return s
}

func csrfToken(seed, session string) string {
	sum := sha256.Sum256([]byte("cipcert-csrf\x00" + seed + "\x00" + session))
	return hex.EncodeToString(sum[:])
}

// formToken is the token a form rendered for this request must carry.
func formToken(c echo.Context) string {
	seed, _ := c.Get(csrfKey).(string)
	return csrfToken(seed, sessionOf(c))
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secureHeaders sets a nonce-based Content-Security-Policy: nothing is
// loaded from another host and only our scripts run. Pages show personal
// data, so no cache keeps them.
func (w *Web) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nonce := randomString(16)
		c.Set(nonceKey, nonce)
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; "+
			"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}
