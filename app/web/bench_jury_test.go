package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification/certtest"
)

// benchJuryCandidats is the size of the session the jury records.
const benchJuryCandidats = 40

var versionField = regexp.MustCompile(`name="(version(?:-CCP[0-9]+)?)" value="([0-9]+)"`)

// BenchmarkJurySave measures the server time of the jury's save on
// PostgreSQL: the entry form of one candidat posted with its presence, its
// entretien final and a decision on each of its three CCP, every save
// changing all three (acquis and non acquis in turn), as two members of the
// jury record their halves of a session of benchJuryCandidats candidats at
// once. Only the posts are timed, around the server's handler; each is
// preceded, untimed, by the reading of the form whose versions it sends.
// p50-ms and p99-ms are the server time of a save; the goal is a p99 under
// 30 ms.
func BenchmarkJurySave(b *testing.B) {
	db := certtest.Open(b, "postgres")
	srv := httptest.NewUnstartedServer(nil)
	o := certtest.Options(b)
	o.PublicURL = "http://" + srv.Listener.Addr().String()
	svc := certtest.NewServiceWith(b, db, o)
	certtest.Seed(b, svc)
	ctx := context.Background()
	tok, _, err := svc.Connexion(ctx, "centre", password("centre"))
	if err != nil {
		b.Fatal(err)
	}
	centre, err := svc.Authentifier(ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := svc.Membres(ctx, centre)
	if err != nil {
		b.Fatal(err)
	}
	var jury []string
	for _, m := range ms {
		jury = append(jury, m.ID)
	}
	var cands [][2]string
	for i := range benchJuryCandidats {
		cands = append(cands, [2]string{fmt.Sprintf("Candidat%02d", i), "Léa"})
	}
	d := heldSession(b, svc, centre, jury, cands...)

	var rec atomic.Pointer[latencies]
	h := app.New(svc, app.Options{LoginBurst: 1 << 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))})
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		if l := rec.Load(); l != nil && r.Method == http.MethodPost {
			l.add(time.Since(t0))
		}
	})
	srv.Start()
	b.Cleanup(srv.Close)

	members := []string{"jury1", "jury2"}
	clients := make([]*http.Client, len(members))
	for i, as := range members {
		clients[i] = benchClient(b, srv.URL, as, i)
	}
	l := &latencies{}
	rec.Store(l)
	defer rec.Store(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for i, hc := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				// Each member keeps to his half of the session.
				nom := d.order[(int(n)%(len(d.order)/len(clients)))*len(clients)+i]
				if err := saveEntry(hc, srv.URL+"/jury/sessions/"+d.session+"/candidats/"+d.ins[nom], n%2 == 0); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	p50, p95, p99 := l.percentiles()
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
}

// saveEntry reads a candidat's entry form and posts it: present, a
// favourable entretien final, and the three CCP acquis or non acquis.
func saveEntry(hc *http.Client, page string, acquis bool) error {
	res, err := hc.Get(page)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfInput.FindStringSubmatch(string(body))
	if res.StatusCode != http.StatusOK || m == nil {
		return &pageError{page, res.StatusCode}
	}
	v := url.Values{"_csrf": {m[1]}, "presence": {"present"}, "entretien_final": {"favorable"}}
	for _, f := range versionField.FindAllStringSubmatch(string(body), -1) {
		v.Set(f[1], f[2])
	}
	for _, c := range []string{"CCP1", "CCP2", "CCP3"} {
		v.Add("ccp", c)
		v["elements-"+c] = []string{"msp", "dossier_professionnel", "ecf"}
		if acquis {
			v.Set("decision-"+c, "acquis")
		} else {
			v.Set("decision-"+c, "non_acquis")
			v.Set("motifs-"+c, "La mise en situation n’a pas permis d’établir la compétence.")
		}
	}
	res, err = hc.PostForm(page, v)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("%s: %d", page, res.StatusCode)
	}
	if strings.Contains(res.Header.Get("Location"), "candidats/") || strings.Contains(res.Header.Get("Location"), "saisie-terminee") {
		return nil
	}
	return fmt.Errorf("%s: redirected to %s", page, res.Header.Get("Location"))
}
