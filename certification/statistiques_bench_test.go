package certification_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// BenchmarkStatistiques1M computes the statistics of a year over a data
// set of CIPCERT_BENCH_CANDIDATS candidats (1 000 000 by default) in 40
// centres, on PostgreSQL when TEST_DATABASE_URL is set: for a centre (its
// own sessions), for the autorité of one region (half the centres) and for
// the administrator (all). Goal: 200 ms for the statistics page. The
// sessions export of the year is measured on the same data set.
// Generating it takes minutes, at each -count: it runs only when
// CIPCERT_BENCH_LONG is set.
func BenchmarkStatistiques1M(b *testing.B) {
	longBenchmark(b, "generates 1 000 000 candidats (CIPCERT_BENCH_CANDIDATS) for minutes")
	n := 1_000_000
	if v := os.Getenv("CIPCERT_BENCH_CANDIDATS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	db := certtest.Open(b, dialecteMesure(b))
	svc := certtest.NewService(b, db)
	centres := certtest.GenCentres(40)
	certtest.GenResultats(b, db, n, centres)
	cpu := cpuBase(b, db)
	f := certification.FiltrePeriode{Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2026, 12, 31)}
	acteurs := []struct {
		name string
		a    certification.Acteur
	}{
		{"centre", certification.Acteur{Role: certification.RoleCentre, CentreID: centres[0].ID}},
		{"autorite", certification.Acteur{Role: certification.RoleAutorite,
			Territoire: certification.Territoire{Autorite: "DREETS Auvergne-Rhône-Alpes", Region: centres[0].Region}}},
		{"admin", certification.Acteur{Role: certification.RoleAdmin}},
	}
	for _, c := range acteurs {
		b.Run(c.name, func(b *testing.B) {
			latences(b, cpu, "candidats", func() (int64, error) {
				st, err := svc.Statistiques(context.Background(), c.a, f)
				if err != nil {
					return 0, err
				}
				return st.Total.Candidats, nil
			})
		})
	}
	// The sessions export of the same year, read to its end.
	for _, c := range acteurs {
		b.Run("export-sessions/"+c.name, func(b *testing.B) {
			latences(b, cpu, "sessions", func() (int64, error) {
				var n int64
				err := svc.ExporterSessions(context.Background(), c.a, f, func(*certification.LigneSession) error { n++; return nil })
				return n, err
			})
		})
	}
}

// longBenchmark skips b, whose data set takes minutes to build (what
// says why), unless CIPCERT_BENCH_LONG is set: `go test -bench=.`, which
// `make bench` runs six times, stays a matter of minutes.
func longBenchmark(b *testing.B, what string) {
	if os.Getenv("CIPCERT_BENCH_LONG") == "" {
		b.Skipf("%s %s: set CIPCERT_BENCH_LONG=1 to run it", b.Name(), what)
	}
}

// cpuBase returns, on PostgreSQL, a function giving the CPU time its
// server process has spent on db so far, nil on SQLite. The machine the
// benchmarks run on is shared: the latency follows its load, the CPU time a
// request costs the database much less. db is held to one connection, so
// that one server process answers every request.
func cpuBase(b *testing.B, db *certification.DB) func() time.Duration {
	if db.Dialect != "postgres" {
		return nil
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		b.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(1)
	var pid int
	if err := db.Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
		b.Fatal(err)
	}
	return func() time.Duration {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return -1 // another machine's server: not measured
		}
		// The fields after the command, which ends at the last ')':
		// utime and stime are the 12th and 13th, in clock ticks (100 a second).
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		return time.Duration(ut+st) * 10 * time.Millisecond
	}
}

// latences runs run at each iteration of b and reports the count of the
// last run (as unit), the median and 99th percentile of the runs and, when
// cpu measures it, the database's CPU time per run.
func latences(b *testing.B, cpu func() time.Duration, unit string, run func() (int64, error)) {
	var n int64
	var durees []time.Duration
	var cpu0 time.Duration
	if cpu != nil {
		cpu0 = cpu()
	}
	for b.Loop() {
		debut := time.Now()
		var err error
		if n, err = run(); err != nil {
			b.Fatal(err)
		}
		durees = append(durees, time.Since(debut))
	}
	b.ReportMetric(float64(n), unit)
	if cpu != nil && cpu0 >= 0 {
		b.ReportMetric(float64((cpu()-cpu0).Microseconds())/1000/float64(len(durees)), "db-cpu-ms/op")
	}
	// The goal is a page's latency: the median and the tail say more of
	// it than the mean.
	slices.Sort(durees)
	for _, p := range []int{50, 99} {
		b.ReportMetric(float64(durees[(len(durees)-1)*p/100].Microseconds())/1000, fmt.Sprintf("p%d-ms", p))
	}
}
