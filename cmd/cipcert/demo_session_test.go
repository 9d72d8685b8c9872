package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/pdf/sceau"
)

// TestDemoSession builds cipcert, migrates and seeds a fresh SQLite file,
// serves it on a free port and runs scripts/demo-session, the README's
// session walkthrough, against it: on today's real date, through HTTP
// only. Then it checks what the walkthrough claims: the parchemin was
// issued and its public verification answers.
func TestDemoSession(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the walkthrough needs curl")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cipcert")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	env := append(os.Environ(), "DATABASE_URL=", "DATABASE_URL_FILE=", "CIPCERT_SQLITE="+filepath.Join(dir, "demo.db"),
		"ADDR="+addr, "PUBLIC_URL=http://"+addr, "CIPCERT_DEMO=1")
	for _, args := range [][]string{{"migrate", "up"}, {"seed"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cipcert %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	serve := exec.Command(bin, "serve")
	serve.Env = env
	logs, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	serve.Stdout, serve.Stderr = logs, logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
		}
		if t.Failed() {
			data, _ := os.ReadFile(logs.Name())
			t.Logf("server log (end):\n%s", tail(string(data), 3000))
		}
	})
	base := "http://" + addr
	waitReady(t, base+"/readyz")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	script := exec.CommandContext(ctx, "bash", "../../scripts/demo-session", base)
	out, err := script.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/demo-session: %v\n%s", err, tail(string(out), 4000))
	}
	if !strings.Contains(string(out), "demo-session: parcours complet, sans erreur") {
		t.Fatalf("the walkthrough did not finish:\n%s", tail(string(out), 4000))
	}
	m := regexp.MustCompile(`(?m)^parchemin: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})$`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no parchemin code in the output:\n%s", tail(string(out), 4000))
	}
	code := string(m[1])
	// The candidat obtained the titre: her parchemin verifies, publicly.
	resp, err := http.Get(base + "/verification/" + code)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Statut    string `json:"statut"`
		Type      string `json:"type"`
		TitreCode string `json:"titre_code"`
		Initiales string `json:"initiales"`
		ScellePar string `json:"scelle_par"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || v.Statut != "valide" || v.Type != "parchemin" || v.TitreCode != "TP-00403" || v.Initiales != "L. D." {
		t.Errorf("verification of %s: %d %+v", code, resp.StatusCode, v)
	}
	// seed made the demo seal next to the database, and sealed with it.
	if v.ScellePar != sceau.NomDemo {
		t.Errorf("the parchemin is sealed by %q, want the demo certificate %q", v.ScellePar, sceau.NomDemo)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-sceau-demo.pem")); err != nil {
		t.Errorf("demo seal: %v", err)
	}
	// The walkthrough printed the session's answers: the parcours says the
	// titre is obtained.
	if !strings.Contains(string(out), `"issue":"titre"`) {
		t.Errorf("the parcours does not show the titre obtained:\n%s", tail(string(out), 4000))
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within 30 s", url)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("…%s", s[len(s)-n:])
}
