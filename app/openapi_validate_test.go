package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	oasvalidator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/errors"

	"github.com/cipcert/cipcert/app"
)

// openAPIValidator is a real OpenAPI 3.1 validator (libopenapi-validator)
// loaded with the document the server publishes; formats (uuid, date,
// date-time, email) are asserted, not merely annotated.
var openAPIValidator = sync.OnceValues(func() (oasvalidator.Validator, error) {
	data, err := json.Marshal(app.OpenAPI())
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(data)
	if err != nil {
		return nil, err
	}
	v, errs := oasvalidator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("validator: %v", errs)
	}
	return v, nil
})

var validatorMu sync.Mutex

func formatErrors(errs []*errors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  %s: %s", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n    %s at %s", se.Reason, se.FieldPath)
		}
	}
	return b.String()
}

// checkAnswer validates a real answer against the document. Answers to
// addresses the API does not have (Echo's own 404 and 405) are not API.
func checkAnswer(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
		var p struct{ Code string }
		if json.Unmarshal(rec.Body.Bytes(), &p) == nil && (p.Code == "route_inconnue" || p.Code == "methode_non_autorisee") {
			return
		}
	}
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	resp := rec.Result()
	resp.Body = io.NopCloser(strings.NewReader(rec.Body.String()))
	validatorMu.Lock()
	ok, errs := v.ValidateHttpResponse(req, resp)
	validatorMu.Unlock()
	if !ok && unknownAddress(rec.Code, errs) {
		return // the authenticated group answers 401 before routing, to hide which addresses exist
	}
	if !ok {
		t.Errorf("%s %s → %d does not match the OpenAPI document:%s\nbody: %.400s", req.Method, req.URL, rec.Code, formatErrors(errs), rec.Body)
	}
}

func unknownAddress(status int, errs []*errors.ValidationError) bool {
	if status != http.StatusUnauthorized || len(errs) == 0 {
		return false
	}
	for _, e := range errs {
		if e.ValidationType != "path" {
			return false
		}
	}
	return true
}

// TestOpenAPIDocumentValide validates the document itself against the
// OpenAPI 3.1 schema.
func TestOpenAPIDocumentValide(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("the OpenAPI document is invalid:%s", formatErrors(errs))
	}
}

// TestOpenAPIExemples sends every example of the document through the
// validator: each request example as a request of its operation, each
// answer example (success and errors) as an answer to it.
func TestOpenAPIExemples(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	doc := app.OpenAPI()
	var requests, answers int
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o := op.(map[string]any)
			url := path
			query := ""
			headers := http.Header{}
			params, _ := o["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				switch pm["in"] {
				case "path":
					url = strings.ReplaceAll(url, "{"+pm["name"].(string)+"}", pm["example"].(string))
				case "header":
					if pm["required"] == true {
						headers.Set(pm["name"].(string), pm["example"].(string))
					}
				}
			}
			if o["security"] != nil && len(o["security"].([]any)) > 0 {
				headers.Set("Authorization", "Bearer exemple")
			}
			newReq := func(body string) *http.Request {
				var r io.Reader
				if body != "" {
					r = strings.NewReader(body)
				}
				req := httptest.NewRequest(strings.ToUpper(method), url+query, r)
				for k, vs := range headers {
					req.Header[k] = vs
				}
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				return req
			}
			what := strings.ToUpper(method) + " " + path
			if rb, ok := o["requestBody"].(map[string]any); ok {
				media, isJSON := rb["content"].(map[string]any)["application/json"].(map[string]any)
				if !isJSON {
					continue // a file upload: the import tests post real files
				}
				ex, ok := media["example"]
				if !ok {
					t.Errorf("%s: request body without an example", what)
				} else {
					body, _ := json.Marshal(ex)
					if ok, errs := v.ValidateHttpRequest(newReq(string(body))); !ok {
						t.Errorf("%s: request example %s is invalid:%s", what, body, formatErrors(errs))
					}
					requests++
				}
			}
			for status, r := range o["responses"].(map[string]any) {
				content, _ := r.(map[string]any)["content"].(map[string]any)
				for ct, m := range content {
					if !strings.Contains(ct, "json") {
						continue
					}
					ex, ok := m.(map[string]any)["example"]
					if !ok {
						if path == "/api/v1/openapi.json" {
							continue // the document itself
						}
						t.Errorf("%s %s: answer without an example", what, status)
						continue
					}
					body, _ := json.Marshal(ex)
					code := 0
					fmt.Sscan(status, &code)
					resp := &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {ct}},
						Body: io.NopCloser(strings.NewReader(string(body)))}
					if ok, errs := v.ValidateHttpResponse(newReq(""), resp); !ok {
						t.Errorf("%s %s: answer example %.300s is invalid:%s", what, status, body, formatErrors(errs))
					}
					answers++
				}
			}
		}
	}
	if requests < 15 || answers < 100 {
		t.Errorf("only %d request and %d answer examples checked", requests, answers)
	}
	t.Logf("%d request examples, %d answer examples valid", requests, answers)
}
