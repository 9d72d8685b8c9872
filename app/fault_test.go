package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification/certtest"
)

// TestFaultPostgresRestart restarts PostgreSQL while jury members record
// results and the autorité issues documents. Every result the API
// acknowledged must be stored, no document half-issued, the server must
// answer 503 (never 500, never hang) while the database is down, and
// recover without being restarted.
//
// It stops the database every test shares, so `make test` runs it alone,
// after the other tests, with CIPCERT_FAULT=1.
func TestFaultPostgresRestart(t *testing.T) {
	if os.Getenv("CIPCERT_FAULT") != "1" {
		t.Skip("restarts PostgreSQL: run alone by `make test` (CIPCERT_FAULT=1)")
	}
	cluster, err := exec.Command("sh", "-c", "ls /etc/postgresql | head -n1").Output()
	if err != nil || len(bytes.TrimSpace(cluster)) == 0 {
		t.Fatalf("cannot find the PostgreSQL cluster to restart: %v", err)
	}
	version := strings.TrimSpace(string(cluster))
	db := certtest.Open(t, "postgres")
	f := flowOn(t, newAPI(t, db))

	// Results to record: 40 candidats × 3 CCP, in a held session.
	var ids []string
	for i := 0; i < 40; i++ {
		ids = append(ids, f.formationCandidat(fmt.Sprintf("Panne%02d", i)))
	}
	s, ins := f.held(ids...)
	for _, in := range ins {
		f.presence("jury1", s.ID, in, "present", "favorable")
	}
	// Documents to issue: a validated session of 10 candidats.
	var ids2 []string
	for i := 0; i < 10; i++ {
		ids2 = append(ids2, f.formationCandidat(fmt.Sprintf("Document%02d", i)))
	}
	s2, ins2 := f.held(ids2...)
	for _, in := range ins2 {
		f.record(s2, in, "jury2", true, nil)
	}
	f.deliberate(s2.ID)
	f.step("dreets", s2.ID, "validation", http.StatusOK)

	srv := httptest.NewServer(f.srv)
	defer srv.Close()
	client := &http.Client{Timeout: 20 * time.Second}
	var n500, n503, hung atomic.Int64
	call := func(method, path, token string, body []byte) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			hung.Add(1)
			return 0, nil
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		switch {
		case resp.StatusCode == 503:
			n503.Add(1)
		case resp.StatusCode >= 500:
			n500.Add(1)
			t.Errorf("%s %s: %d %s", method, path, resp.StatusCode, buf.String())
		}
		return resp.StatusCode, buf.Bytes()
	}

	type pair struct{ inscription, ccp string }
	work := make(chan pair, len(ins)*3)
	for _, in := range ins {
		for _, c := range in.CCP {
			work <- pair{in.ID, c}
		}
	}
	close(work)
	var mu sync.Mutex
	acked := map[pair]bool{}
	body, _ := json.Marshal(evaluation("acquis", true))
	deadline := time.Now().Add(60 * time.Second)
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				for time.Now().Before(deadline) {
					code, _ := call("PUT", evalPath(s.ID, p.inscription, p.ccp), f.tokens["jury1"], body)
					if code == 200 || code == 412 { // 412: an earlier attempt did commit
						mu.Lock()
						acked[p] = code == 200 || acked[p]
						mu.Unlock()
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	issued := map[string]bool{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, in := range ins2 {
			for time.Now().Before(deadline) {
				code, _ := call("POST", "/api/v1/sessions/"+s2.ID+"/inscriptions/"+in.ID+"/documents", f.tokens["dreets"], nil)
				if code == 201 || code == 409 {
					issued[in.ID] = true
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()

	// The fault: stop the cluster under load, keep it down, start it again.
	time.Sleep(150 * time.Millisecond)
	if out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", version, "main", "stop").CombinedOutput(); err != nil {
		t.Fatalf("stop PostgreSQL: %v %s", err, out)
	}
	time.Sleep(2 * time.Second)
	if out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start").CombinedOutput(); err != nil {
		t.Fatalf("start PostgreSQL: %v %s", err, out)
	}
	wg.Wait()

	if code, _ := call("GET", "/readyz", "", nil); code != 200 {
		t.Errorf("/readyz after the restart: %d, want 200 without restarting the server", code)
	}
	if n503.Load() == 0 {
		t.Error("no 503 while the database was down: the fault was not observed")
	}
	if hung.Load() > 0 {
		t.Errorf("%d requests hung or lost their connection", hung.Load())
	}
	// Every acknowledged result is stored.
	var stored []struct{ InscriptionID, Code string }
	if err := db.Raw(`SELECT e.inscription_id, b.code FROM evaluations e JOIN blocs b ON b.id = e.bloc_id
		WHERE e.revoque_at IS NULL`).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	have := map[pair]bool{}
	for _, r := range stored {
		have[pair{r.InscriptionID, r.Code}] = true
	}
	lost := 0
	for p, ok := range acked {
		if ok && !have[p] {
			lost++
		}
	}
	if lost > 0 || len(acked) != len(ins)*3 {
		t.Errorf("%d acknowledged results lost; %d of %d recorded", lost, len(acked), len(ins)*3)
	}
	// No document is half-issued: each has its bytes, matching its hash, and
	// numbers run without gap.
	var docs []struct {
		Type, Sha256 string
		Rang         int
		Contenu      []byte
	}
	if err := db.Raw(`SELECT type, sha256, rang, contenu FROM documents ORDER BY type, rang`).Scan(&docs).Error; err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	for _, d := range docs {
		sum := sha256.Sum256(d.Contenu)
		if hex.EncodeToString(sum[:]) != d.Sha256 {
			t.Errorf("%s %d: bytes do not match their hash", d.Type, d.Rang)
		}
		next[d.Type]++
		if d.Rang != next[d.Type] {
			t.Errorf("%s numbers: %d where %d was expected", d.Type, d.Rang, next[d.Type])
		}
	}
	if next["parchemin"] != len(ins2) || len(issued) != len(ins2) {
		t.Errorf("%d parchemins for %d candidats (%d issuance calls concluded)", next["parchemin"], len(ins2), len(issued))
	}
	t.Logf("restart under load: %d results acknowledged and stored, %d documents whole, %d answers 503, %d 5xx other than 503",
		len(acked), len(docs), n503.Load(), n500.Load())
}
