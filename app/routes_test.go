package app

import (
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification/certtest"
)

// publicRoutes are the only routes that answer without a token.
var publicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /verification/:code", "POST /verification/:code", "POST /api/v1/auth/connexion",
	"POST /api/v1/auth/mot-de-passe-oublie", "POST /api/v1/auth/reinitialisation", "POST /api/v1/auth/invitation",
	"GET /api/v1/openapi.json", "GET /api/docs", "GET /api/docs/erreurs", "GET /api/docs/vendor/:paquet/:fichier",
}

// TestRouteTableRoles fails on a route that admits no role without being
// one of the known public routes, and on a public route that is not.
func TestRouteTableRoles(t *testing.T) {
	public := map[string]bool{}
	for _, r := range publicRoutes {
		public[r] = true
	}
	for _, r := range routeTable {
		switch {
		case r.public && !public[r.key()]:
			t.Errorf("%s is public but not one of the known public routes", r.key())
		case !r.public && len(r.roles) == 0:
			t.Errorf("%s admits no role: name the roles it admits", r.key())
		case r.public && len(r.roles) > 0:
			t.Errorf("%s is public and names roles", r.key())
		}
	}
	// The server refuses to start with a route that names no role.
	svc := certtest.NewService(t, certtest.Open(t, "sqlite"))
	saved := routeTable
	defer func() { routeTable = saved }()
	routeTable = append([]route{}, saved...)
	routeTable = append(routeTable, route{method: "GET", path: "/api/v1/oubliee", handler: (*Server).handleMoi})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a route without roles was registered")
			}
		}()
		New(svc, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
}

// TestRouteTableEchoOpenAPI checks that the Echo routes, the OpenAPI
// operations and the table are the same list.
func TestRouteTableEchoOpenAPI(t *testing.T) {
	srv := New(certtest.NewService(t, certtest.Open(t, "sqlite")), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var table, echoRoutes, documented []string
	for _, r := range routeTable {
		table = append(table, strings.ToLower(r.method)+" "+openAPIPath(r.path))
	}
	for _, r := range srv.Routes() {
		m, p, _ := strings.Cut(r, " ")
		echoRoutes = append(echoRoutes, strings.ToLower(m)+" "+openAPIPath(p))
	}
	for p, item := range OpenAPI()["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			documented = append(documented, m+" "+p)
		}
	}
	sort.Strings(table)
	sort.Strings(echoRoutes)
	sort.Strings(documented)
	if diff := cmp.Diff(table, echoRoutes); diff != "" {
		t.Errorf("table and Echo routes differ (-table +echo):\n%s", diff)
	}
	if diff := cmp.Diff(table, documented); diff != "" {
		t.Errorf("table and OpenAPI operations differ (-table +document):\n%s", diff)
	}
	if len(table) < 45 {
		t.Errorf("only %d routes", len(table))
	}
}

// TestOpenAPIComplet checks what an integrator relies on: every operation
// has a tag, a description and its error answers with their codes; every
// field of every schema has a description.
func TestOpenAPIComplet(t *testing.T) {
	doc := OpenAPI()
	ops, withErrors := 0, 0
	for p, item := range doc["paths"].(map[string]any) {
		for m, op := range item.(map[string]any) {
			o := op.(map[string]any)
			ops++
			what := m + " " + p
			if tags, _ := o["tags"].([]any); len(tags) != 1 || tags[0] == "" {
				t.Errorf("%s: tags = %v", what, o["tags"])
			}
			if d, _ := o["description"].(string); len(d) < 20 {
				t.Errorf("%s: description %q", what, d)
			}
			for status, r := range o["responses"].(map[string]any) {
				if status >= "400" {
					codes, _ := r.(map[string]any)["x-codes"].([]any)
					if len(codes) == 0 {
						t.Errorf("%s %s: no code listed", what, status)
					}
					withErrors++
				}
			}
		}
	}
	for name, s := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		for field, ps := range s.(map[string]any)["properties"].(map[string]any) {
			if d, _ := ps.(map[string]any)["description"].(string); d == "" {
				t.Errorf("%s.%s has no description: add it to champs", name, field)
			}
		}
	}
	// Rules after "dive" apply to the elements: ccp lists are optional.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, name := range []string{"SessionRequest", "InscriptionRequest"} {
		req, _ := schemas[name].(map[string]any)["required"].([]string)
		for _, r := range req {
			if r == "ccp" || r == "jury" {
				t.Errorf("%s requires %s, which is optional", name, r)
			}
		}
	}
	if len(catalogue) < 50 {
		t.Errorf("the catalogue has only %d codes", len(catalogue))
	}
	t.Logf("%d operations, %d error answers documented, %d codes in the catalogue", ops, withErrors, len(catalogue))
}
