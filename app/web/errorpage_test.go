package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification/certtest"
)

// TestErrorPage500 renders the page of an unexpected failure: the safe
// message and the request id to quote to support, nothing else.
func TestErrorPage500(t *testing.T) {
	w, err := New(Config{Service: certtest.NewService(t, certtest.Open(t, "sqlite"))})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	req := httptest.NewRequest(http.MethodGet, "/centre/candidats", nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	c := e.NewContext(req, rec)
	c.Response().Header().Set(echo.HeaderXRequestID, "req-42")
	w.ErrorPage(c, http.StatusInternalServerError, "Une erreur interne est survenue ; elle a été consignée.")
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "Erreur inattendue") ||
		!strings.Contains(body, "req-42") || !strings.Contains(body, "elle a été consignée") {
		t.Errorf("500 page: %d %s", rec.Code, body)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("500 page without its CSP: %q", csp)
	}
}
