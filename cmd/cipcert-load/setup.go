package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// env is the server under test and what it runs on.
type env struct {
	dir       string // scratch directory: binary, server log, pgbench files
	bin       string // the cipcert binary
	pgURL     string // administrative URL
	admin     *gorm.DB
	dbs       []string // databases to drop at the end
	dbURL     string   // the server's database
	pgVersion string
	server    *exec.Cmd
	exited    chan struct{}
	logPath   string
	base      string // http://127.0.0.1:port
	http      *http.Client
}

// startEnv builds cipcert, creates and seeds its database and serves it.
// On error the returned env, if not nil, still has to be closed.
func startEnv(ctx context.Context, cfg config) (*env, error) {
	e, err := openEnv(ctx, cfg)
	if err != nil {
		return e, err
	}
	name, dbURL, err := e.createDB(ctx, "")
	if err != nil {
		return e, err
	}
	if err := e.migrateSeed(ctx, name, dbURL); err != nil {
		return e, err
	}
	return e, e.serve(ctx, e.bin)
}

// openEnv makes the scratch directory, builds cipcert unless cfg.bin names
// it, and connects to PostgreSQL's administrative URL: an env with no
// database yet. On error the returned env, if not nil, still has to be closed.
func openEnv(ctx context.Context, cfg config) (*env, error) {
	if err := loopbackOnly(cfg.pg); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cipcert-load-")
	if err != nil {
		return nil, err
	}
	e := &env{dir: dir, pgURL: cfg.pg, http: newClient(), bin: cfg.bin}
	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(dir, "cipcert")
		e.bin = bin
		progress("building ./cmd/cipcert…")
		if err := command(ctx, nil, "go", "build", "-o", bin, "./cmd/cipcert"); err != nil {
			return e, err
		}
	}
	if e.admin, err = gorm.Open(postgres.Open(cfg.pg), &gorm.Config{Logger: logger.Discard}); err != nil {
		return e, fmt.Errorf("connect to %s: %w", cfg.pg, err)
	}
	return e, e.admin.Raw("SHOW server_version").Scan(&e.pgVersion).Error
}

// migrateSeed migrates and seeds the database at dbURL and makes it the
// server's.
func (e *env) migrateSeed(ctx context.Context, name, dbURL string) error {
	e.dbURL = dbURL
	progress("database %s: migrate up, seed…", name)
	env := serverEnv(dbURL, "")
	if err := command(ctx, env, e.bin, "migrate", "up"); err != nil {
		return err
	}
	return command(ctx, env, e.bin, "seed")
}

// loopbackOnly refuses a PostgreSQL URL that is not on 127.0.0.1 or localhost.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("-pg: %w", err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return fmt.Errorf("-pg: host %q is not the loopback interface", h)
	}
	return nil
}

// createDB creates an empty database named cipcert_load_<random><suffix> and
// returns its name and URL; close drops it.
func (e *env) createDB(ctx context.Context, suffix string) (string, string, error) {
	b := make([]byte, 4)
	rand.Read(b)
	name := "cipcert_load_" + hex.EncodeToString(b) + suffix
	if err := e.admin.WithContext(ctx).Exec("CREATE DATABASE " + name).Error; err != nil {
		return "", "", fmt.Errorf("create database %s: %w", name, err)
	}
	e.dbs = append(e.dbs, name)
	u, _ := url.Parse(e.pgURL)
	u.Path = "/" + name
	return name, u.String(), nil
}

// serverEnv is the environment of a cipcert command: ours, without any
// database or address setting it could have inherited.
func serverEnv(dbURL, addr string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "DATABASE_URL_FILE", "CIPCERT_SQLITE", "ADDR":
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "DATABASE_URL="+dbURL)
	if addr != "" {
		out = append(out, "ADDR="+addr)
	}
	return out
}

// command runs a program to completion, with its output shown on failure.
func command(ctx context.Context, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return nil
}

// serve starts `cipcert serve` on a free loopback port and waits for /readyz.
func (e *env) serve(ctx context.Context, bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	e.base = "http://" + addr
	e.logPath = filepath.Join(e.dir, "server.log")
	logf, err := os.Create(e.logPath)
	if err != nil {
		return err
	}
	defer logf.Close() // the child keeps its own descriptor
	e.server = exec.Command(bin, "serve")
	e.server.Env = serverEnv(e.dbURL, addr)
	e.server.Stdout, e.server.Stderr = logf, logf
	if err := e.server.Start(); err != nil {
		return err
	}
	e.exited = make(chan struct{})
	go func() { e.server.Wait(); close(e.exited) }()
	progress("cipcert serve on %s (pid %d, log %s)", addr, e.server.Process.Pid, e.logPath)

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-e.exited:
			return fmt.Errorf("cipcert serve exited: %s", e.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := e.http.Get(e.base + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("cipcert serve not ready after 30 s: %s", e.logTail())
}

func (e *env) logTail() string {
	b, _ := os.ReadFile(e.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// serverUsage is what the kernel accounted to a server process that has
// exited (wait4's rusage): CPU time and peak resident set.
type serverUsage struct {
	CPU       time.Duration `json:"cpu_ns"` // user + system
	PeakRSSKB int64         `json:"peak_rss_kb"`
}

// stopServer asks the server to shut down gracefully, kills it if it has
// not within 20 s, and returns its usage. It does nothing once stopped.
func (e *env) stopServer() serverUsage {
	if e.server == nil || e.server.Process == nil {
		return serverUsage{}
	}
	e.server.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(20 * time.Second):
		e.server.Process.Kill()
		<-e.exited
	}
	st := e.server.ProcessState
	e.server = nil
	u := serverUsage{CPU: st.UserTime() + st.SystemTime()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		u.PeakRSSKB = ru.Maxrss // kB on Linux
	}
	return u
}

// close stops the server, drops the databases and removes the scratch directory.
func (e *env) close() error {
	var errs []error
	e.stopServer()
	if e.admin != nil {
		for _, name := range e.dbs {
			// DROP DATABASE waits for a checkpoint, which a busy disk can
			// hold for tens of seconds.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			if err := e.admin.WithContext(ctx).Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
				errs = append(errs, fmt.Errorf("drop database %s: %w", name, err))
			}
			cancel()
		}
		if db, err := e.admin.DB(); err == nil {
			db.Close()
		}
	}
	if e.dir != "" {
		errs = append(errs, os.RemoveAll(e.dir))
	}
	return errors.Join(errs...)
}

// SetupInfo describes the data the measured phases work on.
type SetupInfo struct {
	Candidats int     `json:"candidats"`
	Sessions  int     `json:"sessions"`
	Pairs     int     `json:"pairs"` // (inscription, CCP) pairs open for result recording
	Seconds   float64 `json:"seconds"`
}

// pair is one CCP of one enrolment: what a jury records a decision on.
type pair struct {
	session, inscription, ccp string
	etag                      string // of the last recording, "" before the first
}

// dataset is what the setup phase created through the API.
type dataset struct {
	info      SetupInfo
	tokens    map[string]string // demo account → bearer token
	candidats []string
	pairs     []pair
	used      int    // pairs handed to result-recording runs so far
	reserved  []pair // kept out of the measured runs for counting statements
}

// demoPasswords are the demo accounts the load uses (fixtures/demo.go).
var demoPasswords = map[string]string{
	"dreets": "dreets-demo-cipcert", "centre": "centre-demo-cipcert",
	"jury1": "jury1-demo-cipcert", "jury2": "jury2-demo-cipcert",
}

// prepare creates, through the API, the jury, the candidats and held
// sessions titre enrolling them all. Nothing here is measured.
func prepare(ctx context.Context, e *env, cfg config) (*dataset, error) {
	start := time.Now()
	d := &dataset{tokens: map[string]string{}}
	for acc, pw := range demoPasswords {
		var out struct{ Jeton string }
		if err := e.call(ctx, "", "POST", "/api/v1/auth/connexion", map[string]string{"identifiant": acc, "mot_de_passe": pw}, &out); err != nil {
			return nil, fmt.Errorf("login %s: %w", acc, err)
		}
		d.tokens[acc] = out.Jeton
	}
	jury, err := juryMembres(ctx, e, d.tokens)
	if err != nil {
		return nil, err
	}

	// The server's clock is real: the sessions run today and tomorrow, the
	// formations ended a month ago, ECF were passed during the formation.
	today := time.Now().UTC()
	day := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }
	centre := d.tokens["centre"]
	progress("setup: %d candidats…", cfg.candidats)
	d.candidats = make([]string, cfg.candidats)
	err = parallel(ctx, 8, cfg.candidats, func(i int) error {
		var c struct{ ID string }
		err := e.call(ctx, centre, "POST", "/api/v1/candidats", map[string]any{
			"titre_code": "TP-00403", "parcours": "formation",
			"nom_naissance": fmt.Sprintf("Charge%04d", i), "prenoms": "Camille", "date_naissance": "1990-03-14",
			"lieu_naissance": "Lyon (69)", "email": fmt.Sprintf("charge%04d@example.fr", i),
			"formation": map[string]string{"debut": day(-300), "fin": day(-30)},
			"ecf": []map[string]string{{"ccp": "CCP1", "date_evaluation": day(-240)},
				{"ccp": "CCP2", "date_evaluation": day(-150)}, {"ccp": "CCP3", "date_evaluation": day(-45)}},
		}, &c)
		d.candidats[i] = c.ID
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("candidat: %w", err)
	}

	nSessions := (cfg.candidats + cfg.parSession - 1) / cfg.parSession
	progress("setup: %d sessions titre, declared, enrolled, held…", nSessions)
	sessions := make([]string, nSessions)
	for i := range sessions {
		var s struct{ ID string }
		if err := e.call(ctx, centre, "POST", "/api/v1/sessions", map[string]any{
			"version_code": "TP-00403-2023", "type": "titre", "debut": day(0), "fin": day(1),
			"lieu": "Lyon, salle Rhône", "responsable": "Sophie Garnier", "jury": jury}, &s); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		if err := e.call(ctx, centre, "POST", "/api/v1/sessions/"+s.ID+"/declaration", nil, nil); err != nil {
			return nil, fmt.Errorf("declaration: %w", err)
		}
		sessions[i] = s.ID
	}
	perCandidat := make([][]pair, cfg.candidats)
	err = parallel(ctx, 8, cfg.candidats, func(i int) error {
		sid := sessions[i/cfg.parSession]
		var in struct {
			ID  string
			CCP []string
		}
		if err := e.call(ctx, centre, "POST", "/api/v1/sessions/"+sid+"/inscriptions", map[string]any{"candidat_id": d.candidats[i]}, &in); err != nil {
			return err
		}
		for _, c := range in.CCP {
			perCandidat[i] = append(perCandidat[i], pair{session: sid, inscription: in.ID, ccp: c})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("inscription: %w", err)
	}
	for _, sid := range sessions {
		if err := e.call(ctx, centre, "POST", "/api/v1/sessions/"+sid+"/tenue", nil, nil); err != nil {
			return nil, fmt.Errorf("tenue: %w", err)
		}
	}
	// Interleave the sessions, so that every run's share of the pairs, and
	// each client's part of it, spans all of them: recordings in one session
	// are serialised by the server (lockSession), and a contiguous share
	// would pile every client onto a few sessions.
	bySession := make([][]pair, nSessions)
	longest := 0
	for i, ps := range perCandidat {
		s := i / cfg.parSession
		bySession[s] = append(bySession[s], ps...)
		longest = max(longest, len(bySession[s]))
	}
	for k := range longest {
		for _, ps := range bySession {
			if k < len(ps) {
				d.pairs = append(d.pairs, ps[k])
			}
		}
	}
	// Pairs spread over the sessions, for countStatements: two halves of
	// statementRequests.
	k := min(2*statementRequests, len(d.pairs)/10)
	d.reserved = d.pairs[len(d.pairs)-k:]
	d.pairs = d.pairs[:len(d.pairs)-k]
	d.info = SetupInfo{Candidats: cfg.candidats, Sessions: nSessions, Pairs: len(d.pairs), Seconds: time.Since(start).Seconds()}
	progress("setup done in %.1f s: %d (inscription, CCP) pairs", d.info.Seconds, len(d.pairs))
	return d, nil
}

// juryMembres returns the jury member ids of jury1 and jury2, habilitated
// for TP-00403 from 2026-01-01 to 2028-12-31. The demo seed may have created
// the members already: they are reused, and only what is missing is created.
func juryMembres(ctx context.Context, e *env, tokens map[string]string) ([]string, error) {
	var list struct {
		Membres []struct {
			ID            string
			UtilisateurID string `json:"utilisateur_id"`
			Habilitations []struct {
				TitreCode string `json:"titre_code"`
				Debut     string
				Fin       string
			}
		}
	}
	dreets := tokens["dreets"]
	if err := e.call(ctx, dreets, "GET", "/api/v1/jury/membres", nil, &list); err != nil {
		return nil, err
	}
	var ids []string
	for _, acc := range []string{"jury1", "jury2"} {
		var moi struct{ ID, Nom string }
		if err := e.call(ctx, tokens[acc], "GET", "/api/v1/moi", nil, &moi); err != nil {
			return nil, err
		}
		id, habilite := "", false
		for _, m := range list.Membres {
			if m.UtilisateurID == moi.ID {
				id = m.ID
				for _, h := range m.Habilitations {
					habilite = habilite || h.TitreCode == "TP-00403" && h.Debut <= "2026-01-01" && h.Fin >= "2028-12-31"
				}
			}
		}
		if id == "" {
			prenoms, nom, _ := strings.Cut(moi.Nom, " ")
			var m struct{ ID string }
			if err := e.call(ctx, dreets, "POST", "/api/v1/jury/membres", map[string]any{
				"nom": nom, "prenoms": prenoms, "email": acc + "@example.fr", "utilisateur_id": moi.ID}, &m); err != nil {
				return nil, err
			}
			id = m.ID
		}
		if !habilite {
			if err := e.call(ctx, dreets, "POST", "/api/v1/jury/membres/"+id+"/habilitations", map[string]any{
				"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2028-12-31", "reference": "HAB-LOAD-" + acc}, nil); err != nil {
				return nil, err
			}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// parallel calls fn(0..n-1) from workers goroutines and returns the first error.
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					cancel(err)
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// call sends a JSON request to the server and decodes a 2xx answer into out
// (when not nil); any other answer is an error quoting the body.
func (e *env) call(ctx context.Context, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// serverCPU is the CPU time (user + system) the running server has used so
// far, from /proc/<pid>/stat; 0 when it cannot be read. Its resolution is a
// clock tick (10 ms), so that it is read around whole runs only.
func (e *env) serverCPU() time.Duration {
	if e.server == nil || e.server.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", e.server.Process.Pid))
	if err != nil {
		return 0
	}
	return procStatCPU(string(b))
}

// procStatCPU reads utime and stime, fields 14 and 15 of /proc/<pid>/stat,
// in ticks of 1/100 s (USER_HZ, 100 on every Linux Go supports). The command
// name, field 2, is in parentheses and may hold spaces: fields are counted
// from the last ')'.
func procStatCPU(stat string) time.Duration {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// withServerCPU runs a measured run against the server and adds the
// server's CPU time per request to it.
func (e *env) withServerCPU(run func() Run) Run {
	before := e.serverCPU()
	r := run()
	if used := e.serverCPU() - before; used > 0 && r.Requests > 0 {
		r.ServerCPU = ms(used) / float64(r.Requests)
	}
	return r
}
