package tableur_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/cipcert/cipcert/app/tableur"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// benchDialect is PostgreSQL when TEST_DATABASE_URL names one, else SQLite.
func benchDialect() string {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return "postgres"
	}
	return "sqlite"
}

// BenchmarkExportCeres100k streams the CERES-shaped export of about
// 100 000 result lines (37 100 candidats, three CCP each, less the
// withdrawn candidats and cancelled sessions) from the database to a
// discarded file, as the administrator, in CSV and in XLSX. Goal: 5 s per
// export. It reports the lines written, the peak of the heap in use
// sampled every 10 000 lines (flat: the export holds one row at a time),
// and the allocations per line.
func BenchmarkExportCeres100k(b *testing.B) {
	db := certtest.Open(b, benchDialect())
	svc := certtest.NewService(b, db)
	certtest.GenResultats(b, db, 37100, certtest.GenCentres(4))
	admin := certification.Acteur{Role: certification.RoleAdmin}
	f := certification.FiltrePeriode{Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2026, 12, 31)}
	for _, format := range []tableur.Format{tableur.CSV, tableur.XLSX} {
		b.Run(string(format), func(b *testing.B) {
			var lines int
			var peak uint64
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			mallocs := ms.Mallocs
			for b.Loop() {
				lines = 0
				w, err := tableur.New(format, io.Discard, "Résultats")
				if err != nil {
					b.Fatal(err)
				}
				var row []any
				err = svc.ExporterResultats(context.Background(), admin, f, func(l *certification.LigneCeres) error {
					lines++
					if lines%10000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
					row = tableur.LigneCeres(row, l)
					return w.Write(row)
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&ms)
			if lines < 100000 {
				b.Fatalf("%d lines, want at least 100 000", lines)
			}
			b.ReportMetric(float64(lines), "lignes/op")
			b.ReportMetric(float64(peak)/(1<<20), "Mo-tas-max")
			b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(b.N)/float64(lines), "allocs/ligne")
		})
	}
}
