// Command cipcert-load measures the cipcert API under load, next to
// yardsticks measured on the same machine in the same run, and prints one
// plain-text table (or JSON with -json).
//
//	cipcert-load [flags]                        prepare, measure, print, clean up
//	cipcert-load generate -pg URL -candidats N -resultats M   fill a seeded database (generate.go)
//	cipcert-load scale [flags]                  list and parcours reads at 10k and 1M candidats (scale.go)
//
// The load run builds ./cmd/cipcert (or uses -bin), creates a fresh
// PostgreSQL database cipcert_load_<random> through -pg, migrates and seeds
// it, serves it on a free loopback port and prepares, through the API, jury
// members, candidats and sessions titre that are declared, filled and held.
// It then measures, at each client count of -clients, for at most -duration
// and -max-requests per run:
//
//   - result recording: jury1 and jury2 PUT CCP evaluations, each client on
//     its own (inscription, CCP) pairs, spread over all the sessions: first
//     recordings without If-Match, then If-Match updates with the returned
//     ETag once its pairs run out;
//   - parcours reads: the centre GETs /api/v1/candidats/:id/parcours;
//   - pgbench: single-row INSERTs, one transaction each, in a scratch database;
//   - a bare Echo JSON endpoint served by this program, loaded by the same
//     client code as the API.
//
// Result recording is reported as a ratio of pgbench's TPS, parcours reads as
// a ratio of the bare Echo endpoint, beside targets that are printed, not
// asserted. The databases are dropped and the server stopped at the end. Only
// 127.0.0.1 is contacted.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// config is the command line of a load run.
type config struct {
	bin         string
	pg          string
	candidats   int
	parSession  int
	clients     []int
	duration    time.Duration
	maxRequests int
	timeout     time.Duration
	json        bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "generate":
		err = generateCmd(ctx, os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "scale":
		err = scaleCmd(ctx, os.Args[2:], os.Stdout)
	default:
		err = loadCmd(ctx, os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cipcert-load:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("cipcert-load", flag.ContinueOnError)
	fs.StringVar(&c.bin, "bin", "", "cipcert binary to run (default: build ./cmd/cipcert)")
	fs.StringVar(&c.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL URL with the right to create databases (loopback only)")
	fs.IntVar(&c.candidats, "candidats", 500, "candidats to enrol")
	fs.IntVar(&c.parSession, "par-session", 50, "candidats per session titre")
	clients := fs.String("clients", "1,8,32", "client counts, comma-separated")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "length of each measured run")
	fs.IntVar(&c.maxRequests, "max-requests", 200000, "request cap of each measured run")
	fs.DurationVar(&c.timeout, "timeout", 15*time.Minute, "limit for the whole program")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of the table")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.clients, err = parseRunFlags(*clients, c.duration, c.maxRequests); err != nil {
		return c, err
	}
	switch {
	case c.candidats < 1 || c.parSession < 1:
		return c, errors.New("-candidats and -par-session must be positive")
	case c.candidats < slices.Max(c.clients)*len(c.clients):
		// Each result-recording run needs at least one pair per client.
		return c, errors.New("-candidats must be at least the largest client count times the number of client counts")
	}
	return c, nil
}

// parseRunFlags checks the flags every measuring command shares and returns
// the client counts.
func parseRunFlags(clients string, duration time.Duration, maxRequests int) ([]int, error) {
	var counts []int
	for _, s := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("-clients: %q is not a count between 1 and 256", s)
		}
		counts = append(counts, n)
	}
	switch {
	case duration <= 0 || duration > 10*time.Minute:
		return nil, errors.New("-duration must be between 0 and 10m")
	case maxRequests < 1:
		return nil, errors.New("-max-requests must be positive")
	}
	return counts, nil
}

// Report is everything a load run measured; -json prints it as is.
type Report struct {
	Started  time.Time   `json:"started"`
	Host     string      `json:"host"`
	LoadAvg  [2]string   `json:"loadavg_1min"` // at start and end: other work on the machine skews the figures
	Postgres string      `json:"postgres"`
	Setup    SetupInfo   `json:"setup"`
	Runs     []Run       `json:"runs"`
	Server   serverUsage `json:"server"` // the whole run, setup included
	Targets  []Target    `json:"targets"`
}

// Run is one measured run: a phase at a client count.
type Run struct {
	Phase    string         `json:"phase"`
	Clients  int            `json:"clients"`
	Requests int            `json:"requests"`
	Errors   int            `json:"errors"`
	Seconds  float64        `json:"seconds"`
	RPS      float64        `json:"rps"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Statuses map[string]int `json:"errors_by_status,omitempty"` // "0" is a transport error
	Ratio    float64        `json:"ratio,omitempty"`            // to the phase's yardstick at the same client count
	Note     string         `json:"note,omitempty"`
}

// Target is a goal printed beside the figures, not asserted.
type Target struct {
	Goal   string `json:"goal"`
	Actual string `json:"actual"`
	Met    bool   `json:"met"`
}

// The phases, in the order of the table; a yardstick follows its phase.
const (
	phaseResultats = "result recording PUT"
	phasePgbench   = "pgbench 1-row INSERT"
	phaseParcours  = "parcours GET"
	phaseEcho      = "bare Echo JSON GET"
)

func loadCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	interrupted := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.timeout, fmt.Errorf("-timeout %s reached", cfg.timeout))
	defer cancel()

	rep := &Report{Started: time.Now().UTC(),
		Host: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	rep.LoadAvg[0] = loadAvg()
	if err := measure(ctx, cfg, rep); err != nil {
		switch {
		case interrupted.Err() != nil:
			return fmt.Errorf("interrupted (%w)", err)
		case ctx.Err() != nil:
			return fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		}
		return err
	}
	rep.LoadAvg[1] = loadAvg()
	rep.Targets = targets(rep, cfg.clients)
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printTable(stdout, rep)
	return nil
}

// measure prepares the server, runs every phase and cleans up, whatever happens.
func measure(ctx context.Context, cfg config, rep *Report) (err error) {
	env, err := startEnv(ctx, cfg)
	if env != nil {
		defer func() {
			if cerr := env.close(); err == nil {
				err = cerr
			}
		}()
	}
	if err != nil {
		return err
	}
	rep.Postgres = env.pgVersion
	data, err := prepare(ctx, env, cfg)
	if err != nil {
		return err
	}
	rep.Setup = data.info

	echoURL, stopEcho, err := startBareEcho()
	if err != nil {
		return err
	}
	defer stopEcho()
	pgb, err := newPgbench(ctx, env, cfg.duration)
	if err != nil {
		return err
	}

	type phase struct {
		name string
		run  func(clients int) (Run, error)
	}
	phases := []phase{
		{phaseResultats, func(n int) (Run, error) { return data.recordResults(ctx, env, cfg, n), nil }},
		{phasePgbench, func(n int) (Run, error) { return pgb.run(ctx, n) }},
		{phaseParcours, func(n int) (Run, error) { return data.readParcours(ctx, env, cfg, n), nil }},
		{phaseEcho, func(n int) (Run, error) { return getLoop(ctx, env.http, echoURL, cfg, n), nil }},
	}
	for _, p := range phases {
		for _, n := range cfg.clients {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress("%s, %d client(s)…", p.name, n)
			r, err := p.run(n)
			if err != nil {
				return fmt.Errorf("%s with %d clients: %w", p.name, n, err)
			}
			r.Phase, r.Clients = p.name, n
			rep.Runs = append(rep.Runs, r)
		}
	}
	ratios(rep.Runs)
	rep.Server = env.stopServer()
	return nil
}

// ratios sets each measured phase's ratio to its yardstick at the same client count.
func ratios(runs []Run) {
	find := func(phase string, clients int) *Run {
		for i := range runs {
			if runs[i].Phase == phase && runs[i].Clients == clients {
				return &runs[i]
			}
		}
		return nil
	}
	for i := range runs {
		r := &runs[i]
		yard := map[string]string{phaseResultats: phasePgbench, phaseParcours: phaseEcho}[r.Phase]
		if y := find(yard, r.Clients); y != nil && y.RPS > 0 {
			r.Ratio = r.RPS / y.RPS
		}
	}
}

// targets checks the goals at the largest client count.
func targets(rep *Report, clients []int) []Target {
	top := 0
	for _, n := range clients {
		top = max(top, n)
	}
	var res, par Run
	for _, r := range rep.Runs {
		switch {
		case r.Clients != top:
		case r.Phase == phaseResultats:
			res = r
		case r.Phase == phaseParcours:
			par = r
		}
	}
	c := fmt.Sprintf(" @%d clients", top)
	mb := float64(rep.Server.PeakRSSKB) / 1024
	return []Target{
		{"result recording ≥ 30 % of pgbench INSERT tps" + c, pct(res.Ratio), res.Ratio >= 0.30},
		{"result recording p99 ≤ 25 ms" + c, fmt.Sprintf("%.1f ms", res.P99), res.Requests > 0 && res.P99 <= 25},
		{"result recording 0 errors" + c, strconv.Itoa(res.Errors), res.Requests > 0 && res.Errors == 0},
		{"parcours GET ≥ 25 % of bare Echo rps" + c, pct(par.Ratio), par.Ratio >= 0.25},
		{"server peak RSS ≤ 150 MB (whole run)", fmt.Sprintf("%.1f MB", mb), rep.Server.PeakRSSKB > 0 && mb <= 150},
	}
}

// loadAvg is the 1-minute load average of the machine.
func loadAvg() string {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return "?"
	}
	return fmt.Sprintf("%.2f", float64(si.Loads[0])/(1<<16)) // fixed point, SI_LOAD_SHIFT = 16
}

func pct(r float64) string { return fmt.Sprintf("%.1f %%", 100*r) }

// statusNote is the run's note, after the count of each error status.
func statusNote(r Run) string {
	if len(r.Statuses) == 0 {
		return r.Note
	}
	var st []string
	for k, n := range r.Statuses {
		st = append(st, fmt.Sprintf("%s×%d", k, n))
	}
	slices.Sort(st)
	return strings.TrimSpace("status " + strings.Join(st, " ") + "; " + r.Note)
}

// progress reports on stderr, so that stdout holds only the table.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cipcert-load: "+format+"\n", args...)
}

// printTable prints the report as one table: the measured phases next to
// their yardsticks and the targets.
func printTable(w io.Writer, rep *Report) {
	s := rep.Setup
	fmt.Fprintf(w, "cipcert load — %s · %s · PostgreSQL %s · load average %s at start, %s at end\n",
		rep.Started.Format("2006-01-02 15:04 MST"), rep.Host, rep.Postgres, rep.LoadAvg[0], rep.LoadAvg[1])
	fmt.Fprintf(w, "setup (not measured): %d candidats in %d sessions titre tenues, %d (inscription, CCP) pairs, %.1f s\n",
		s.Candidats, s.Sessions, s.Pairs, s.Seconds)
	fmt.Fprintf(w, "server, whole run: %.1f s CPU (user + system), peak RSS %.1f MB (getrusage of the stopped process)\n",
		rep.Server.CPU.Seconds(), float64(rep.Server.PeakRSSKB)/1024)
	fmt.Fprintln(w, "latencies in ms; errors = any non-2xx; pgbench latencies from its -l log")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SECTION\tCASE\tCLIENTS\tREQUESTS\tREQ/S\tP50\tP95\tP99\tERRORS\tVS YARDSTICK\tNOTE")
	for _, r := range rep.Runs {
		section, ratio := "load", "-"
		switch r.Phase {
		case phasePgbench, phaseEcho:
			section = "yardstick"
		}
		switch r.Phase {
		case phaseResultats:
			ratio = pct(r.Ratio) + " of pgbench"
		case phaseParcours:
			ratio = pct(r.Ratio) + " of Echo"
		}
		if r.Phase == phasePgbench {
			r.Note = ""
		}
		note := statusNote(r)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\n", section, r.Phase, r.Clients, r.Requests,
			r.RPS, r.P50, r.P95, r.P99, r.Errors, ratio, note)
	}
	for _, t := range rep.Targets {
		verdict := "MISSED"
		if t.Met {
			verdict = "met"
		}
		fmt.Fprintf(tw, "target\t%s: %s → %s\n", t.Goal, t.Actual, verdict)
	}
	tw.Flush()
}
