package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// fuzzServer is a seeded server for fuzz targets, and a centre token.
func fuzzServer(f *testing.F) (*app.Server, string) {
	db := certtest.Open(f, "sqlite")
	svc := certtest.NewService(f, db)
	certtest.SeedWith(f, svc, false)
	srv := app.New(svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LoginBurst: 1 << 30, UndocumentedError: undocumentedError(f)})
	tok, _, err := svc.Connexion(f.Context(), "centre", fixtures.DemoComptes[2].MotDePasse)
	if err != nil {
		f.Fatal(err)
	}
	return srv, tok
}

// fuzzRequest checks the decoders' invariant: never a 5xx, every error a
// problem+json body.
func fuzzRequest(t *testing.T, srv *app.Server, method, path, token string, body []byte) {
	req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s answered %d to %q: %s", method, path, rec.Code, body, rec.Body)
	}
	if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%d without problem+json for %q", rec.Code, body)
	}
	if rec.Code == http.StatusCreated && !strings.Contains(rec.Body.String(), `"id"`) {
		t.Fatalf("201 without an id for %q", body)
	}
}

func FuzzCandidatBody(f *testing.F) {
	for _, s := range []string{
		`{"titre_code":"TP-00403","parcours":"formation","nom_naissance":"Durand","prenoms":"Léa","date_naissance":"1998-04-12","lieu_naissance":"Annecy","email":"lea@example.fr","formation":{"debut":"2026-01-05","fin":"2026-09-25"},"ecf":[{"ccp":"CCP1","date_evaluation":"2026-03-20"}]}`,
		`{"titre_code":"TP-00403","parcours":"vae","nom_naissance":"Nguyễn","prenoms":"Thị","date_naissance":"1983-11-02","lieu_naissance":"Huế","email":"h@example.fr","recevabilite":{"date_notification":"2026-06-15","reference":"R","ddets":"DDETS","mois_experience":40,"type_session":"titre"}}`,
		`{"parcours":"capitalisation","ccp_anterieurs":[{"ccp":"CCP1","version_code":"TP-00403-2023","date_obtention":"2025-06-12","session_reference":"S"}]}`,
		`{"date_naissance":"2026-02-30"}`, `{"mois_experience":1e30}`, "{\"nom_naissance\":\"\xff\"}", `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	srv, tok := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzRequest(t, srv, "POST", "/api/v1/candidats", tok, body)
	})
}

func FuzzConnexionBody(f *testing.F) {
	for _, s := range []string{`{"identifiant":"centre","mot_de_passe":"centre-demo-cipcert"}`, `{"identifiant":1}`,
		`{"identifiant":"a","mot_de_passe":"` + strings.Repeat("x", 300) + `"}`, "{\"identifiant\":\"\x00\"}", `null`} {
		f.Add([]byte(s))
	}
	srv, _ := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzRequest(t, srv, "POST", "/api/v1/auth/connexion", "", body)
	})
}
