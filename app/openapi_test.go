package app_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestOpenAPICoversRoutes fails when a route exists without being
// documented, or is documented without existing.
func TestOpenAPICoversRoutes(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	srv := app.New(certtest.NewService(t, db), app.Options{})
	param := regexp.MustCompile(`:([a-z]+)`)
	var routes []string
	for _, r := range srv.Routes() {
		m, p, _ := strings.Cut(r, " ")
		routes = append(routes, strings.ToLower(m)+" "+param.ReplaceAllString(p, "{$1}"))
	}
	var documented []string
	for p, item := range app.OpenAPI()["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			documented = append(documented, m+" "+p)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	if diff := cmp.Diff(routes, documented); diff != "" {
		t.Errorf("routes and OpenAPI document differ (-routes +documented):\n%s", diff)
	}
}

// TestOpenAPIExamples drives a session to validation and checks real
// responses against the schemas the document publishes.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		rec := f.do("GET", "/api/v1/openapi.json", "", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("openapi.json: %d", rec.Code)
		}
		var doc map[string]any
		mustJSON(t, rec, &doc)
		if doc["openapi"] != "3.1.0" {
			t.Fatalf("openapi = %v", doc["openapi"])
		}
		v := validator{doc: doc}

		lefevre := f.candidatID("Lefèvre")
		s := f.session("titre", nil, "2026-11-23", "2026-11-24")
		f.step("centre", s.ID, "declaration", http.StatusOK)
		in := f.enrol(s.ID, lefevre, nil)
		f.step("centre", s.ID, "tenue", http.StatusOK)
		in = f.presence("jury1", s.ID, in, "present", "favorable")
		for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
			f.decide("jury1", s.ID, in.ID, c, "acquis", true)
		}
		f.step("jury1", s.ID, "signature", http.StatusOK)
		f.step("jury2", s.ID, "signature", http.StatusOK)
		f.step("dreets", s.ID, "validation", http.StatusOK)

		examples := []struct{ as, method, path, op string }{
			{"centre", "GET", "/api/v1/moi", "get /api/v1/moi"},
			{"centre", "GET", "/api/v1/titres", "get /api/v1/titres"},
			{"centre", "GET", "/api/v1/titres/TP-00403", "get /api/v1/titres/{code}"},
			{"admin", "GET", "/api/v1/centres", "get /api/v1/centres"},
			{"centre", "GET", "/api/v1/candidats?limite=2", "get /api/v1/candidats"},
			{"centre", "GET", "/api/v1/candidats/" + lefevre, "get /api/v1/candidats/{id}"},
			{"candidat", "GET", "/api/v1/candidats/" + lefevre + "/parcours", "get /api/v1/candidats/{id}/parcours"},
			{"dreets", "GET", "/api/v1/candidats/" + lefevre + "/evenements", "get /api/v1/candidats/{id}/evenements"},
			{"centre", "GET", "/api/v1/jury/membres", "get /api/v1/jury/membres"},
			{"jury1", "GET", "/api/v1/sessions", "get /api/v1/sessions"},
			{"jury1", "GET", "/api/v1/sessions/" + s.ID, "get /api/v1/sessions/{id}"},
			{"centre", "GET", "/api/v1/sessions/" + s.ID + "/inscriptions", "get /api/v1/sessions/{id}/inscriptions"},
			{"dreets", "GET", "/api/v1/sessions/" + s.ID + "/evenements", "get /api/v1/sessions/{id}/evenements"},
			{"candidat", "GET", "/api/v1/documents", "get /api/v1/documents"},
		}
		for _, ex := range examples {
			rec := f.as(ex.as, ex.method, ex.path, nil)
			if rec.Code != http.StatusOK {
				t.Errorf("%s %s: %d %s", ex.method, ex.path, rec.Code, rec.Body)
				continue
			}
			schema := v.responseSchema(t, ex.op, "200")
			var body any
			mustJSON(t, rec, &body)
			for _, e := range v.validate(schema, body, "$") {
				t.Errorf("%s: %s", ex.op, e)
			}
		}
		// Errors follow the Problem schema.
		rec = f.as("centre", "GET", "/api/v1/candidats/"+f.candidatID("Popescu"), nil)
		var body any
		mustJSON(t, rec, &body)
		for _, e := range v.validate(map[string]any{"$ref": "#/components/schemas/Problem"}, body, "$") {
			t.Errorf("problem: %s", e)
		}
		// The validator itself must catch a wrong body.
		if errs := v.validate(v.responseSchema(t, "get /api/v1/moi", "200"), map[string]any{"id": 3}, "$"); len(errs) == 0 {
			t.Error("validator accepted a malformed body")
		}
	})
}

// validator checks JSON values against the subset of JSON Schema the
// document uses.
type validator struct{ doc map[string]any }

func (v validator) responseSchema(t *testing.T, op, status string) map[string]any {
	t.Helper()
	method, path, _ := strings.Cut(op, " ")
	item, ok := v.doc["paths"].(map[string]any)[path].(map[string]any)
	if !ok {
		t.Fatalf("%s not documented", path)
	}
	o := item[method].(map[string]any)
	resp := o["responses"].(map[string]any)[status].(map[string]any)
	return resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (v validator) validate(s map[string]any, x any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		def, ok := v.doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unknown schema " + ref}
		}
		return v.validate(def, x, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			if len(v.validate(alt.(map[string]any), x, at)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %v matches no alternative", at, x)}
	}
	var errs []string
	switch s["type"] {
	case "object":
		m, ok := x.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %T", at, x)}
		}
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := m[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: missing required %s", at, r))
				}
			}
		}
		for k, val := range m {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if extra, ok := s["additionalProperties"].(map[string]any); ok {
					errs = append(errs, v.validate(extra, val, at+"."+k)...)
				} else if s["additionalProperties"] == false {
					errs = append(errs, fmt.Sprintf("%s: undocumented property %s", at, k))
				}
				continue
			}
			errs = append(errs, v.validate(ps, val, at+"."+k)...)
		}
	case "array":
		a, ok := x.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %T", at, x)}
		}
		for i, e := range a {
			errs = append(errs, v.validate(s["items"].(map[string]any), e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := x.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: want string, got %T", at, x)}
		}
		if s["format"] == "date" && !dateRE.MatchString(str) {
			errs = append(errs, fmt.Sprintf("%s: %q is not a date", at, str))
		}
		if enum, ok := s["enum"].([]any); ok {
			found := false
			for _, e := range enum {
				found = found || e == str
			}
			if !found {
				errs = append(errs, fmt.Sprintf("%s: %q not in %v", at, str, enum))
			}
		}
	case "integer", "number":
		if _, ok := x.(float64); !ok {
			return []string{fmt.Sprintf("%s: want number, got %T", at, x)}
		}
	case "boolean":
		if _, ok := x.(bool); !ok {
			return []string{fmt.Sprintf("%s: want boolean, got %T", at, x)}
		}
	case "null":
		if x != nil {
			return []string{fmt.Sprintf("%s: want null", at)}
		}
	}
	return errs
}
