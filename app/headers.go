package app

import (
	"crypto/rand"
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
func securityHeaders(https bool) func(*echo.Response) func() {
	return func(res *echo.Response) func() {
		return func() {
			h := res.Header()
			h["X-Content-Type-Options"] = nosniff
			h["X-Frame-Options"] = deny
			if h.Get("Referrer-Policy") == "" {
				h["Referrer-Policy"] = sameOrigin
			}
			if h.Get("Content-Security-Policy") == "" && !isHTML(h) {
				h["Content-Security-Policy"] = apiCSPValue
			}
			if h.Get("Cache-Control") == "" {
				h["Cache-Control"] = noStore
			}
			if https {
				h["Strict-Transport-Security"] = hstsValue
			}
		}
	}
}

// The values of the security headers, shared by every answer rather than
// allocated for each: a header's values are replaced, never written in
// place, and an Add copies a full slice before it appends.
var (
	nosniff     = []string{"nosniff"}
	deny        = []string{"DENY"}
	sameOrigin  = []string{"same-origin"}
	apiCSPValue = []string{apiCSP}
	noStore     = []string{"no-store"}
	hstsValue   = []string{hsts}
)

// isHTML reports an HTML answer: one without a policy of its own is an
// Echo default page, left without ours rather than broken by it. The media
// type is compared without parsing its parameters, which every answer
// would otherwise pay for.
func isHTML(h http.Header) bool {
	mt, _, _ := strings.Cut(h.Get(echo.HeaderContentType), ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/html")
}

// maxRequestID bounds an X-Request-Id taken from the client.
const maxRequestID = 64

// requestID gives the request its id and answers it in X-Request-Id: the
// client's, if it is a short token of letters, digits, '.', '_' and '-',
// else a new one. The id is echoed in the answer and written in every log
// line of the request, so a client must not put 500 kB, spaces or control
// characters there; a refused one is dropped from the request.
func requestID(c echo.Context) string {
	h := c.Request().Header
	id := h.Get(echo.HeaderXRequestID)
	if id != "" && !validRequestID(id) {
		h.Del(echo.HeaderXRequestID)
		id = ""
	}
	if id == "" {
		id = newRequestID()
	}
	c.Response().Header()[echo.HeaderXRequestID] = []string{id}
	return id
}

// requestIDChars are the characters of a generated request id.
const requestIDChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newRequestID is 32 random letters and digits, as Echo's generator makes
// them, in one allocation.
func newRequestID() string {
	var id [32]byte
	var r [48]byte
	for n := 0; n < len(id); {
		_, _ = rand.Read(r[:]) // never fails (crypto/rand)
		for _, b := range r {
			// 248 is the largest multiple of 62 below 256: taking b
			// modulo 62 above it would favour the first characters.
			if b < 248 && n < len(id) {
				id[n] = requestIDChars[b%62]
				n++
			}
		}
	}
	return string(id[:])
}

func validRequestID(id string) bool {
	return len(id) <= maxRequestID && strings.Trim(id,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ""
}
