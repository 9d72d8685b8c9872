package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkMoi measures an authenticated request that does nothing else,
// GET /api/v1/moi, one client, the same token each time: what the
// middleware and the token check cost. The request is built once, so that
// the allocations reported are the server's, not those of parsing a
// request. Metric stmts/op: the SQL statements per request, every pool
// counted.
func BenchmarkMoi(b *testing.B) {
	for _, d := range certtest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			db := certtest.Open(b, d)
			svc := certtest.NewService(b, db)
			if _, err := svc.CreateUtilisateur(b.Context(), certification.Acteur{Role: certification.RoleAdmin}, certification.NouvelUtilisateur{
				Identifiant: "alice", Nom: "Alice Martin", MotDePasse: "le-mot-de-passe-d-alice", Role: certification.RoleJury}); err != nil {
				b.Fatal(err)
			}
			tok, _, err := svc.Connexion(b.Context(), "alice", "le-mot-de-passe-d-alice")
			if err != nil {
				b.Fatal(err)
			}
			srv := app.New(svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			req, err := http.NewRequestWithContext(b.Context(), "GET", "/api/v1/moi", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.RemoteAddr, req.RequestURI = "192.0.2.10:40000", "/api/v1/moi"
			req.Header.Set("Authorization", "Bearer "+tok)
			count := certtest.CompterRequetes(db)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET /api/v1/moi: %d %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(count.N.Load())/float64(b.N), "stmts/op")
		})
	}
}
