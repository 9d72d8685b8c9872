package certification_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
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
func BenchmarkStatistiques1M(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("CIPCERT_BENCH_CANDIDATS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	dialect := "sqlite"
	if os.Getenv("TEST_DATABASE_URL") != "" {
		dialect = "postgres"
	}
	db := certtest.Open(b, dialect)
	svc := certtest.NewService(b, db)
	centres := certtest.GenCentres(40)
	certtest.GenResultats(b, db, n, centres)
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
			latences(b, "candidats", func() (int64, error) {
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
			latences(b, "sessions", func() (int64, error) {
				var n int64
				err := svc.ExporterSessions(context.Background(), c.a, f, func(*certification.LigneSession) error { n++; return nil })
				return n, err
			})
		})
	}
}

// latences runs run at each iteration of b and reports the count of the
// last run (as unit) and the median and 99th percentile of the runs.
func latences(b *testing.B, unit string, run func() (int64, error)) {
	var n int64
	var durees []time.Duration
	for b.Loop() {
		debut := time.Now()
		var err error
		if n, err = run(); err != nil {
			b.Fatal(err)
		}
		durees = append(durees, time.Since(debut))
	}
	b.ReportMetric(float64(n), unit)
	// The goal is a page's latency: the median and the tail say more of
	// it than the mean.
	slices.Sort(durees)
	for _, p := range []int{50, 99} {
		b.ReportMetric(float64(durees[(len(durees)-1)*p/100].Microseconds())/1000, fmt.Sprintf("p%d-ms", p))
	}
}
