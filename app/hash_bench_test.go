package app_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkLoginFlood measures what a flood of wrong logins, each from its
// own address, does to an unrelated request: 60 logins at the production
// bcrypt cost start at once while /healthz is asked every 5 ms. "bounded"
// is the service as configured (one hash per core), "unbounded" lets
// every login hash at once. Metrics: the /healthz latency (p50, max) during
// the flood and the flood's duration.
func BenchmarkLoginFlood(b *testing.B) {
	for _, c := range []struct {
		name  string
		slots int
	}{{"bounded", 0}, {"unbounded", 1000}} {
		b.Run(c.name, func(b *testing.B) {
			opts := certtest.Options(b)
			opts.BcryptCost = 0 // the production cost
			opts.HashSlots = c.slots
			opts.HashWait = time.Minute
			svc := certtest.NewServiceWith(b, certtest.Open(b, "sqlite"), opts)
			if _, err := svc.CreateUtilisateur(b.Context(), certification.Acteur{Role: certification.RoleAdmin}, certification.NouvelUtilisateur{
				Identifiant: "alice", Nom: "Alice Martin", MotDePasse: "le-mot-de-passe-d-alice", Role: certification.RoleAdmin}); err != nil {
				b.Fatal(err)
			}
			srv := app.New(svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LoginBurst: 1 << 20})
			var lat []time.Duration
			var flood time.Duration
			for b.Loop() {
				start := time.Now()
				var wg sync.WaitGroup
				for i := range 60 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						req := httptest.NewRequest("POST", "/api/v1/auth/connexion", strings.NewReader(`{"identifiant":"alice","mot_de_passe":"faux"}`))
						req.Header.Set("Content-Type", "application/json")
						req.RemoteAddr = fmt.Sprintf("203.0.113.%d:4000", i+1)
						srv.ServeHTTP(httptest.NewRecorder(), req)
					}()
				}
				done := make(chan struct{})
				go func() { wg.Wait(); close(done) }()
			probe:
				for {
					select {
					case <-done:
						break probe
					case <-time.After(5 * time.Millisecond):
						t0 := time.Now()
						srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
						lat = append(lat, time.Since(t0))
					}
				}
				flood += time.Since(start)
			}
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "healthz-p50-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "healthz-max-ms")
			}
			b.ReportMetric(flood.Seconds()/float64(b.N), "flood-s")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
		})
	}
}
