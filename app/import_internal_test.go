package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// fichier5000 is a file of n valid candidats, as a centre's spreadsheet
// would write it.
func fichier5000(n int) []byte {
	var b strings.Builder
	b.WriteString("\ufeffnom_naissance;prenoms;date_naissance;lieu_naissance;email;titre_code;parcours;formation_debut;formation_fin\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Masse%05d;Élise Marie;%02d/%02d/19%02d;Saint-Étienne;e%d@example.fr;TP-00403;formation;05/01/2026;25/09/2026\r\n",
			i, 1+i%28, 1+i%12, 60+i%40, i)
	}
	return []byte(b.String())
}

// importEnv is a seeded service, its importer and the demo centre.
func importEnv(tb testing.TB, dialect string) (*importeur, certification.Acteur) {
	tb.Helper()
	svc := certtest.NewServiceWith(tb, certtest.Open(tb, dialect), certtest.Options(tb))
	certtest.SeedWith(tb, svc, false)
	ctx := context.Background()
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == "centre" {
			tok, _, err := svc.Connexion(ctx, acc.Identifiant, acc.MotDePasse)
			if err != nil {
				tb.Fatal(err)
			}
			a, err := svc.Authentifier(ctx, tok)
			if err != nil {
				tb.Fatal(err)
			}
			return newImporteur(svc), a
		}
	}
	tb.Fatal("no demo centre")
	return nil, certification.Acteur{}
}

// TestImport5000 dry-runs then imports 5 000 rows, on each database.
func TestImport5000(t *testing.T) {
	t.Parallel()
	for _, d := range certtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			im, a := importEnv(t, d)
			data := fichier5000(5000)
			r, empreinte, err := im.Essai(t.Context(), a, data)
			if err != nil {
				t.Fatal(err)
			}
			if r.ACreer != 5000 || r.EnErreur != 0 {
				t.Fatalf("dry run: %d to create, %d in error", r.ACreer, r.EnErreur)
			}
			c, err := im.Confirmer(t.Context(), a, empreinte, certification.OptionsImport{ToutOuRien: true})
			if err != nil {
				t.Fatal(err)
			}
			if c.ACreer != 5000 || !c.Confirme {
				t.Fatalf("confirm: %d created", c.ACreer)
			}
			p, err := im.svc.Candidats(t.Context(), a, certification.FiltreCandidats{Nom: "masse04999"})
			if err != nil || len(p.Candidats) != 1 || p.Candidats[0].LieuNaissance != "Saint-Étienne" {
				t.Fatalf("last row: %+v %v", p, err)
			}
		})
	}
}

// BenchmarkImport5000 measures a dry run then a confirmation of 5 000 rows
// (goal: 10 s on PostgreSQL for both). Metrics: the seconds of each step.
func BenchmarkImport5000(b *testing.B) {
	data := fichier5000(5000)
	for _, d := range certtest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			var essai, confirmation time.Duration
			for b.Loop() {
				b.StopTimer()
				im, a := importEnv(b, d)
				b.StartTimer()
				start := time.Now()
				_, empreinte, err := im.Essai(b.Context(), a, data)
				if err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := im.Confirmer(b.Context(), a, empreinte, certification.OptionsImport{}); err != nil {
					b.Fatal(err)
				}
				essai += mid.Sub(start)
				confirmation += time.Since(mid)
			}
			b.ReportMetric(essai.Seconds()/float64(b.N), "s-essai/op")
			b.ReportMetric(confirmation.Seconds()/float64(b.N), "s-confirmation/op")
		})
	}
}
