package app_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkLectures reads, one request at a time through the whole
// handler, the parcours of the demo candidat with the most history and the
// first page of the candidat list and of a name search, as the centre:
// with -cpuprofile it shows where a read spends its time beside the
// database. It runs on each dialect of certtest.Dialects.
func BenchmarkLectures(b *testing.B) {
	for _, dialect := range certtest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchLectures(b, dialect) })
	}
}

func benchLectures(b *testing.B, dialect string) {
	db := certtest.Open(b, dialect)
	svc := certtest.NewService(b, db)
	certtest.Seed(b, svc)
	h := app.New(svc, app.Options{LoginBurst: 1 << 20, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var nguyen string
	if err := db.Table("candidats").Select("id").Where("nom_naissance = ?", "Nguyễn").Scan(&nguyen).Error; err != nil || nguyen == "" {
		b.Fatalf("demo candidat Nguyễn: %v", err)
	}
	serve := func(method, path, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.RemoteAddr = "192.0.2.10:40000"
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := serve("POST", "/api/v1/auth/connexion", "", `{"identifiant":"centre","mot_de_passe":"centre-demo-cipcert"}`)
	var login struct{ Jeton string }
	if err := json.Unmarshal(rec.Body.Bytes(), &login); err != nil || login.Jeton == "" {
		b.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct{ name, path string }{
		{"parcours", "/api/v1/candidats/" + nguyen + "/parcours"},
		{"liste", "/api/v1/candidats?limite=50"},
		{"nom", "/api/v1/candidats?nom=ngu"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			before := cpu(b)
			for b.Loop() {
				if rec := serve("GET", c.path, login.Jeton, ""); rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body)
				}
			}
			// On a loaded machine the time per request follows the other
			// processes; the CPU the process spent per request does not.
			b.ReportMetric(float64((cpu(b)-before).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpu is the CPU time the process has used so far, user and system.
func cpu(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
