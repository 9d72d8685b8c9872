package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification/certtest"
)

// TestAPIDocs serves the reference and the error catalogue from the binary,
// loading nothing from another host.
func TestAPIDocs(t *testing.T) {
	a := newAPI(t, certtest.Open(t, "sqlite"))

	rec := a.do("GET", "/api/docs", "", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("/api/docs: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	page := rec.Body.String()
	m := regexp.MustCompile(`<script src="(/api/docs/vendor/redoc@[0-9.]+/redoc\.standalone\.js)"></script>`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `spec-url="/api/v1/openapi.json"`) {
		t.Fatalf("/api/docs does not load the vendored Redoc and the document:\n%s", page)
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("/api/docs names another host:\n%s", page)
	}
	// The browser may fetch from this host only: the bundle's one outside
	// image (its maker's logo) and any font or CDN stay blocked.
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "http") || strings.Contains(csp, "*") {
		t.Errorf("CSP %q admits another host", csp)
	}

	rec = a.do("GET", m[1], "", nil)
	if rec.Code != http.StatusOK || rec.Body.Len() < 500_000 {
		t.Fatalf("%s: %d, %d bytes", m[1], rec.Code, rec.Body.Len())
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("vendored file Cache-Control = %q", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("vendored file Content-Type = %q", ct)
	}
	bundle := rec.Body.String()
	for _, host := range []string{"fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net", "@import url("} {
		if strings.Contains(bundle, host) {
			t.Errorf("the bundle refers to %s", host)
		}
	}
	// The served bytes are the vendored file, as scripts/vendor-api-docs left it.
	onDisk, err := os.ReadFile(filepath.Join("static/vendor", strings.TrimPrefix(m[1], "/api/docs/vendor/")))
	if err != nil || string(onDisk) != bundle {
		t.Errorf("served bundle differs from the vendored file (%v)", err)
	}
	for _, p := range []string{"/api/docs/vendor/redoc@0.0.0/redoc.standalone.js", "/api/docs/vendor/redoc@2.5.4/absent.js",
		"/api/docs/vendor/..%2f..%2f/routes.go", "/api/docs/vendor/redoc@2.5.4/..%2F..%2F..%2Froutes.go"} {
		wantProblem(t, a.do("GET", p, "", nil), http.StatusNotFound, "")
	}

	rec = a.do("GET", "/api/docs/erreurs", "", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("/api/docs/erreurs: %d", rec.Code)
	}
	html := rec.Body.String()
	for _, want := range []string{`id="acces_refuse"`, "403 Forbidden", `id="version_perimee"`, "412 Precondition Failed",
		`id="jury_incomplet"`, `id="filtre_invalide"`, "Catalogue des erreurs"} {
		if !strings.Contains(html, want) {
			t.Errorf("/api/docs/erreurs lacks %q", want)
		}
	}
}

// TestCandidatGetPut sends back what GET answered: the read-only fields are
// accepted as they are, and the dossier is rewritten unchanged.
func TestCandidatGetPut(t *testing.T) {
	a := newAPI(t, certtest.Open(t, "sqlite"))
	id := a.candidatID("Lefèvre")
	rec := a.as("centre", "GET", "/api/v1/candidats/"+id, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	read := rec.Body.String()
	put := a.as("centre", "PUT", "/api/v1/candidats/"+id, read, "If-Match: "+rec.Header().Get("ETag"))
	if put.Code != http.StatusOK {
		t.Fatalf("PUT of the GET body: %d %s", put.Code, put.Body)
	}
	if put.Header().Get("ETag") != `"2"` {
		t.Errorf("ETag after PUT = %s", put.Header().Get("ETag"))
	}
	norm := regexp.MustCompile(`"(version|modifie_le)":("[^"]*"|[0-9]+)`)
	if norm.ReplaceAllString(put.Body.String(), "") != norm.ReplaceAllString(read, "") {
		t.Errorf("the dossier changed:\nbefore %s\nafter  %s", read, put.Body)
	}
	// A read-only field that no longer says what the server holds is refused.
	other := strings.Replace(put.Body.String(), `"id":"`+id, `"id":"`+a.candidatID("Nguyễn"), 1)
	wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+id, other, `If-Match: "2"`), http.StatusBadRequest, "id")
	stale := strings.Replace(put.Body.String(), `"version":2`, `"version":1`, 1)
	wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+id, stale, `If-Match: "2"`), http.StatusBadRequest, "version")
	// A field that exists nowhere is still refused.
	unknown := strings.Replace(put.Body.String(), `{"id"`, `{"age":35,"id"`, 1)
	wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+id, unknown, `If-Match: "2"`), http.StatusBadRequest, "age")
}
