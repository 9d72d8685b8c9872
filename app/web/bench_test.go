package web_test

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/search"
)

// benchClients is how many clients ask for a page at once.
const benchClients = 8

// benchCandidats is how many candidats the benchmark adds to the demo
// centre, beside the demo ones.
const benchCandidats = 10_000

// BenchmarkPages measures the server time of each main page on PostgreSQL,
// with the demo data and 10 000 more candidats in the demo centre, under
// benchClients concurrent clients signed in through the sign-in form. Each
// request's time is taken around the server's handler (so neither the
// client nor the network counts) and reported as p50-ms, p95-ms and p99-ms;
// sql/op is the number of SQL statements a request sends, which the time
// follows under load more than anything else; cpu-ms/op is the CPU time
// of the whole test process (server and clients, not PostgreSQL) per
// request, which unlike the times hardly depends on what else the machine
// runs; html-B is the size of the page as sent. ns/op is wall time over requests, the inverse of the
// throughput at benchClients clients.
//
// It needs TEST_DATABASE_URL, as make test and make bench set it: without
// it the benchmark fails, so that a run cannot look measured when it was not.
func BenchmarkPages(b *testing.B) {
	db := certtest.Open(b, "postgres")
	srv := httptest.NewUnstartedServer(nil)
	o := certtest.Options(b)
	o.PublicURL = "http://" + srv.Listener.Addr().String()
	o.AllowHTTPPublicURL = true
	svc := certtest.NewServiceWith(b, db, o)
	certtest.Seed(b, svc)
	addCandidats(b, db, benchCandidats)

	var code string
	for _, d := range issueDemoDocuments(b, svc, db) {
		code = d.CodeVerification
	}
	var lefevre string
	if err := db.Table("candidats").Select("id").Where("nom_naissance = ?", "Lefèvre").Scan(&lefevre).Error; err != nil || lefevre == "" {
		b.Fatalf("demo candidat Lefèvre: %v", err)
	}

	statements := countStatements(db)
	var rec atomic.Pointer[latencies]
	// The clock is the tests' fixed one, so the rate limits never refill:
	// they must allow every request the benchmark makes.
	h := app.New(svc, app.Options{LoginBurst: 1 << 20, VerificationBurst: 1 << 30,
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))})
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		if l := rec.Load(); l != nil {
			l.add(time.Since(t0))
		}
	})
	srv.Start()
	b.Cleanup(srv.Close)

	for _, p := range []struct{ name, as, path string }{
		{"connexion", "", "/connexion"},
		{"candidats", "centre", "/centre/candidats"},
		{"recherche", "centre", "/centre/candidats?nom=mar"},
		{"dossier", "centre", "/centre/candidats/" + lefevre},
		{"mon-espace", "candidat", "/mon-espace"},
		{"verification", "", "/verification/" + code},
	} {
		b.Run(p.name, func(b *testing.B) {
			clients := make([]*http.Client, benchClients)
			for i := range clients {
				clients[i] = benchClient(b, srv.URL, p.as, i)
			}
			l := &latencies{}
			rec.Store(l)
			defer rec.Store(nil)
			sent := statements.n.Load()
			cpu := processCPU(b)
			var next atomic.Int64
			var size atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for _, hc := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						n, err := fetch(hc, srv.URL+p.path)
						if err != nil {
							b.Error(err)
							return
						}
						size.Store(int64(n))
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			p50, p95, p99 := l.percentiles()
			b.ReportMetric(p50, "p50-ms")
			b.ReportMetric(p95, "p95-ms")
			b.ReportMetric(p99, "p99-ms")
			b.ReportMetric(float64(statements.n.Load()-sent)/float64(b.N), "sql/op")
			b.ReportMetric(float64(processCPU(b)-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size.Load()), "html-B")
		})
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// latencies collects the server times of one page's requests.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// percentiles returns the median, the 95th and the 99th percentiles in
// milliseconds (nearest rank).
func (l *latencies) percentiles() (p50, p95, p99 float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0, 0, 0
	}
	slices.Sort(l.d)
	rank := func(q float64) float64 {
		i := max(int(math.Ceil(q*float64(len(l.d))))-1, 0)
		return float64(l.d[i]) / float64(time.Millisecond)
	}
	return rank(0.50), rank(0.95), rank(0.99)
}

// fetch gets a page as a browser would and returns its size.
func fetch(hc *http.Client, u string) (int, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", browserAccept)
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = &pageError{u, res.StatusCode}
	}
	return len(body), err
}

type pageError struct {
	url    string
	status int
}

func (e *pageError) Error() string { return e.url + ": " + http.StatusText(e.status) }

// benchClient returns the i-th client, signed in through the form as the
// demo account as, or anonymous when as is "". Each client connects from an
// address of its own, 127.0.0.(2+i), as distinct people would: the
// per-address limits then apply to each as they do in production.
func benchClient(tb testing.TB, base, as string, i int) *http.Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}}
	hc := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tb.Cleanup(hc.CloseIdleConnections)
	if as == "" {
		return hc
	}
	res, err := hc.Get(base + "/connexion")
	if err != nil {
		tb.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfInput.FindStringSubmatch(string(page))
	if m == nil {
		tb.Fatal("no CSRF field on /connexion")
	}
	res, err = hc.PostForm(base+"/connexion", url.Values{"_csrf": {m[1]}, "identifiant": {as}, "mot_de_passe": {password(as)}})
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign-in as %s: %d", as, res.StatusCode)
	}
	return hc
}

// addCandidats adds n candidats en formation to the demo centre in one
// statement, named from a few common noms and prénoms so that a name search
// finds hundreds of them, and refreshes the planner's statistics.
func addCandidats(tb testing.TB, db *certification.DB, n int) {
	tb.Helper()
	noms := "{Martin,Bernard,Thomas,Petit,Robert,Richard,Durand,Dubois,Moreau,Laurent,Simon,Michel,Lefebvre,Leroy,Roux," +
		"David,Bertrand,Morel,Fournier,Girard,Bonnet,Dupont,Lambert,Fontaine,Rousseau,Vincent,Muller,Faure,André,Mercier," +
		"Blanc,Guérin,Boyer,Garnier,Chevalier,François,Legrand,Gauthier,Garcia,Marchand}"
	prenoms := "{Léa,Emma,Chloé,Inès,Jade,Louise,Manon,Camille,Sarah,Zoé,Hugo,Lucas,Louis,Nathan,Gabriel,Jules,Arthur," +
		"Adam,Raphaël,Théo,Noé,Élodie,Amélie,Karim,Yasmine,Mehdi,Nadia,Julien,Céline,Sébastien}"
	// The search keys are folded as the service folds them.
	cles := search.Key(noms)
	err := db.Exec(`INSERT INTO candidats (id, centre_id, titre_id, parcours, nom_naissance, nom_naissance_recherche,
		nom_usage, prenoms, date_naissance, lieu_naissance, email, formation_debut, formation_fin, version, created_at, updated_at)
	SELECT gen_random_uuid()::text, c.centre_id, c.titre_id, 'formation', (?::text[])[1 + n % 40], (?::text[])[1 + n % 40], '',
		(?::text[])[1 + (n / 40) % 30], date '1960-01-01' + n % 15000, 'Lyon (69)', 'candidat' || n || '@example.fr',
		date '2026-01-05', date '2026-09-25', 1, now(), now()
	FROM (SELECT centre_id, titre_id FROM candidats WHERE nom_naissance = 'Lefèvre') c, generate_series(1, ?) n`,
		noms, cles, prenoms, n).Error
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Exec("ANALYZE candidats").Error; err != nil {
		tb.Fatal(err)
	}
}

// issueDemoDocuments issues the documents of the demo's validated session,
// as the autorité.
func issueDemoDocuments(tb testing.TB, svc *certification.Service, db *certification.DB) []certification.Document {
	tb.Helper()
	ctx := context.Background()
	var id string
	if err := db.Table("sessions").Select("id").Where("statut = ?", certification.Validee).Scan(&id).Error; err != nil || id == "" {
		tb.Fatalf("validated demo session: %v", err)
	}
	tok, _, err := svc.Connexion(ctx, "dreets", password("dreets"))
	if err != nil {
		tb.Fatal(err)
	}
	dreets, err := svc.Authentifier(ctx, tok)
	if err != nil {
		tb.Fatal(err)
	}
	ds, err := svc.EmettreDocumentsSession(ctx, dreets, id)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}
