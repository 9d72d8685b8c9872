package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	base, stop, err := serveEcho(e)
	return base + "/ping", stop, err
}

// floorCandidat is what the floor yardstick answers: the candidat's row,
// encoded from a struct, as the API encodes its answers.
type floorCandidat struct {
	ID            string    `json:"id"`
	CentreID      string    `json:"centre_id"`
	Parcours      string    `json:"parcours"`
	NomNaissance  string    `json:"nom_naissance"`
	NomUsage      string    `json:"nom_usage"`
	Prenoms       string    `json:"prenoms"`
	DateNaissance time.Time `json:"date_naissance"`
	Email         string    `json:"email"`
	Version       int       `json:"version"`
}

// floorPoolSize is the size of the floor's connection pool: that of the
// server's main pool, so that both queue on PostgreSQL alike.
const floorPoolSize = 32

// startFloor serves, in this process, the floor of an authenticated read
// of one candidat: an Echo v4 handler that reads the bearer token's row
// with its account (by the token's SHA-256, hex, as the server stores it in
// jetons), then the candidat's row by primary key, checks that the account
// is active and the candidat its centre's, and encodes JSON. Two round trips
// through a pgx pool, no ORM, no middleware: what no authenticated
// per-candidat read of the server can beat on this machine. It returns the
// URL prefix, to which a candidat id is appended.
func startFloor(ctx context.Context, dbURL string) (string, func(), error) {
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return "", nil, err
	}
	pc.MaxConns = floorPoolSize
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return "", nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/floor/candidats/:id", func(c echo.Context) error { return floorRead(c, pool) })
	base, stop, err := serveEcho(e)
	if err != nil {
		pool.Close()
		return "", nil, err
	}
	return base + "/floor/candidats/", func() { stop(); pool.Close() }, nil
}

// floorRead is the floor's handler.
func floorRead(c echo.Context, pool *pgxpool.Pool) error {
	ctx := c.Request().Context()
	token, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return c.NoContent(http.StatusUnauthorized)
	}
	sum := sha256.Sum256([]byte(token))
	var (
		expire   time.Time
		revoque  *time.Time
		actif    bool
		centreID *string
	)
	err := pool.QueryRow(ctx, `SELECT j.expire_at, j.revoque_at, u.actif, u.centre_id
		FROM jetons j JOIN utilisateurs u ON u.id = j.utilisateur_id WHERE j.hash = $1`,
		hex.EncodeToString(sum[:])).Scan(&expire, &revoque, &actif, &centreID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return c.NoContent(http.StatusUnauthorized)
	case err != nil:
		return err
	case revoque != nil || !expire.After(time.Now()) || !actif || centreID == nil:
		return c.NoContent(http.StatusUnauthorized)
	}
	var r floorCandidat
	err = pool.QueryRow(ctx, `SELECT id, centre_id, parcours, nom_naissance, nom_usage, prenoms, date_naissance, email, version
		FROM candidats WHERE id = $1`, c.Param("id")).Scan(&r.ID, &r.CentreID, &r.Parcours, &r.NomNaissance,
		&r.NomUsage, &r.Prenoms, &r.DateNaissance, &r.Email, &r.Version)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && r.CentreID != *centreID:
		return c.NoContent(http.StatusNotFound)
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// serveEcho serves e on a free loopback port and returns its base URL and
// the function that stops it.
func serveEcho(e *echo.Echo) (string, func(), error) {
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
	return "http://" + ln.Addr().String(), stop, nil
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
