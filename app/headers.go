package app

import (
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiCSP is the policy of every answer that is not a page: data is never
// to be run or framed as a document, whatever a browser sniffs in it.
// The pages (app/web) and the API reference set their own.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// hsts asks browsers to use https only, for two years, once they reached
// the server over https.
const hsts = "max-age=63072000"

// securityHeaders sets the headers every answer carries, just before it is
// written, so that the handler's own choices (a page's nonce policy, a
// static file's immutable cache) are kept:
//
//   - X-Content-Type-Options: nosniff, X-Frame-Options: DENY and a
//     Referrer-Policy on everything;
//   - a Content-Security-Policy that allows nothing on answers that set
//     none (JSON, problem+json, PDF, ZIP);
//   - Cache-Control: no-store on answers that set no cache policy: they
//     carry personal data (a candidat, a result, a document) or an error
//     about it, and no shared or disk cache may keep them;
//   - Strict-Transport-Security when the public address is https.
func securityHeaders(https bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			res.Before(func() {
				h := res.Header()
				h.Set("X-Content-Type-Options", "nosniff")
				h.Set("X-Frame-Options", "DENY")
				if h.Get("Referrer-Policy") == "" {
					h.Set("Referrer-Policy", "same-origin")
				}
				if h.Get("Content-Security-Policy") == "" && !isHTML(h) {
					h.Set("Content-Security-Policy", apiCSP)
				}
				if h.Get("Cache-Control") == "" {
					h.Set("Cache-Control", "no-store")
				}
				if https {
					h.Set("Strict-Transport-Security", hsts)
				}
			})
			return next(c)
		}
	}
}

// isHTML reports an HTML answer: one without a policy of its own is an
// Echo default page, left without ours rather than broken by it.
func isHTML(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get(echo.HeaderContentType))
	return mt == "text/html"
}

// maxRequestID bounds an X-Request-Id taken from the client.
const maxRequestID = 64

// safeRequestID drops an incoming X-Request-Id unless it is a short token
// of letters, digits, '.', '_' and '-': it is echoed in the answer and
// written in every log line of the request, so a client must not put
// 500 kB, spaces or control characters there. The request id middleware
// then generates one.
func safeRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if id := h.Get(echo.HeaderXRequestID); id != "" && !validRequestID(id) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

func validRequestID(id string) bool {
	return len(id) <= maxRequestID && strings.Trim(id,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ""
}
