package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// statements counts the statements of a GORM pool.
type statements struct{ n atomic.Int64 }

func (s *statements) LogMode(logger.LogLevel) logger.Interface { return s }
func (s *statements) Info(context.Context, string, ...any)     {}
func (s *statements) Warn(context.Context, string, ...any)     {}
func (s *statements) Error(context.Context, string, ...any)    {}
func (s *statements) Trace(context.Context, time.Time, func() (string, int64), error) {
	s.n.Add(1)
}

// BenchmarkMoi measures an authenticated request that does nothing else,
// GET /api/v1/moi, one client, the same token each time. Metric stmts/op:
// the SQL statements per request, counted on PostgreSQL only (SQLite's
// reads go through a pool of their own).
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
			count := &statements{}
			db.Config.Logger = count
			for b.Loop() {
				req := httptest.NewRequest("GET", "/api/v1/moi", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET /api/v1/moi: %d %s", rec.Code, rec.Body)
				}
			}
			if d == "postgres" {
				b.ReportMetric(float64(count.n.Load())/float64(b.N), "stmts/op")
			}
		})
	}
}
