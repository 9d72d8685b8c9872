package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// startBareEcho serves, in this process, a bare Echo v4 endpoint returning a
// small JSON object: no middleware, no database. It returns its URL.
func startBareEcho() (string, func(), error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/ping", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]any{"statut": "ok", "service": "bare-echo", "version": 1})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String() + "/ping", stop, nil
}

// pgbench runs PostgreSQL's pgbench on a scratch database: a one-table
// schema and a script of one single-row INSERT, each its own transaction.
// The database is dropped with the others by env.close.
type pgbench struct {
	env      *env
	url      string
	script   string
	duration time.Duration
}

func newPgbench(ctx context.Context, e *env, d time.Duration) (*pgbench, error) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return nil, fmt.Errorf("pgbench, installed with PostgreSQL, is needed as a yardstick: %w", err)
	}
	_, url, err := e.createDB(ctx, "_pgbench")
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, err
	}
	err = db.WithContext(ctx).Exec(`CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text NOT NULL,
		created_at timestamptz NOT NULL DEFAULT now())`).Error
	if sqlDB, derr := db.DB(); derr == nil {
		sqlDB.Close()
	}
	if err != nil {
		return nil, err
	}
	p := &pgbench{env: e, url: url, script: filepath.Join(e.dir, "insert.sql"), duration: d}
	sql := "INSERT INTO bench_insert (payload) VALUES ('{\"decision\":\"acquis\"}');\n"
	return p, os.WriteFile(p.script, []byte(sql), 0o644)
}

var (
	tpsRe    = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
	doneRe   = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	failedRe = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
)

// run runs pgbench -n -f script -c n -j n -T seconds, with a per-transaction
// log from which the latency percentiles are computed.
func (p *pgbench) run(ctx context.Context, clients int) (Run, error) {
	secs := max(1, int((p.duration+time.Second-1)/time.Second))
	logs := filepath.Join(p.env.dir, fmt.Sprintf("pgbench-c%d", clients))
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return Run{}, err
	}
	n := strconv.Itoa(clients)
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-f", p.script, "-c", n, "-j", n, "-T", strconv.Itoa(secs),
		"-l", "--log-prefix", filepath.Join(logs, "tx"), p.url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Run{}, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	r := Run{Seconds: float64(secs), Note: "tps from pgbench; latencies from its per-transaction log (-l)"}
	m := tpsRe.FindSubmatch(out)
	if m == nil {
		return Run{}, fmt.Errorf("pgbench: no tps in its output:\n%s", out)
	}
	r.RPS, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := doneRe.FindSubmatch(out); m != nil {
		r.Requests, _ = strconv.Atoi(string(m[1]))
	}
	if m := failedRe.FindSubmatch(out); m != nil {
		r.Errors, _ = strconv.Atoi(string(m[1]))
	}
	lats, err := pgbenchLatencies(logs)
	if err != nil {
		return Run{}, err
	}
	r.P50, r.P95, r.P99 = ms(percentile(lats, 50)), ms(percentile(lats, 95)), ms(percentile(lats, 99))
	return r, os.RemoveAll(logs)
}

// pgbenchLatencies reads the transaction logs of a run, sorted. A log line is
// "client_id transaction_no time_us script_no epoch epoch_us".
func pgbenchLatencies(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil {
		return nil, err
	}
	var lats []time.Duration
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			if us, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
				lats = append(lats, time.Duration(us)*time.Microsecond)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	slices.Sort(lats)
	return lats, nil
}
