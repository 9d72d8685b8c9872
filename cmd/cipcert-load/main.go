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
// and -max-requests per run, each phase followed at the same client count
// by its yardsticks, all loaded by the same client code:
//
//   - result recording: jury1 and jury2 PUT CCP evaluations, each client on
//     its own (inscription, CCP) pairs, spread over all the sessions: first
//     recordings without If-Match, then If-Match updates with the returned
//     ETag once its pairs run out; beside pgbench, single-row INSERTs, one
//     transaction each, in a scratch database;
//   - parcours reads: the centre GETs /api/v1/candidats/:id/parcours; beside
//     the floor of an authenticated per-candidat read, an Echo v4 handler of
//     this program that reads the token's row and the candidat's by primary
//     key through pgx and encodes JSON (two round trips, no ORM), and a bare
//     Echo JSON endpoint (no I/O) for reference;
//   - GET /api/v1/moi, authentication alone, beside the bare Echo endpoint.
//
// Each row gives the ratio of its throughput to its yardsticks' and the
// server's CPU time per request (/proc, around the run). The goals, at the
// largest client count, are printed with met or MISSED, not asserted:
// result recording ≥ 30 % of pgbench's tps, p99 ≤ 25 ms, no error; the
// parcours ≥ 50 % of the floor, p99 ≤ 20 ms; the server's peak RSS over the
// whole run ≤ 80 MB. After the measures, a second server serves the same
// database through a counting proxy (count.go) and the statements and round
// trips of each kind of request are printed, medians of requests sent one at
// a time. The databases are dropped and the servers stopped at the end. Only
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
	// Statements per request, counted by a second server after the measures.
	Statements      []StatementCount `json:"statements_per_request,omitempty"`
	StatementsError string           `json:"statements_error,omitempty"`
	Targets         []Target         `json:"targets"`
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
	// ServerCPU is the server's CPU time (user + system) over the run,
	// per request; 0 for a yardstick, which the server does not serve.
	ServerCPU float64 `json:"server_cpu_ms_per_request,omitempty"`
	Ratios    []Ratio `json:"ratios,omitempty"` // to the phase's yardsticks at the same client count
	Note      string  `json:"note,omitempty"`
}

// Ratio is a run's throughput over its yardstick's at the same client count.
type Ratio struct {
	Yardstick string  `json:"yardstick"`
	Ratio     float64 `json:"ratio"`
}

// ratio is the run's ratio to yardstick, 0 when it has none.
func (r Run) ratio(yardstick string) float64 {
	for _, x := range r.Ratios {
		if x.Yardstick == yardstick {
			return x.Ratio
		}
	}
	return 0
}

// Target is a goal printed beside the figures, not asserted.
type Target struct {
	Goal   string `json:"goal"`
	Actual string `json:"actual"`
	Met    bool   `json:"met"`
	// The run a per-run target is about (the scale benchmark's).
	Case    string `json:"case,omitempty"`
	Clients int    `json:"clients,omitempty"`
}

// The phases. Each measured phase is compared with the yardsticks of
// phaseYardsticks, measured at the same client count right after it.
const (
	phaseResultats = "result recording PUT"
	phasePgbench   = "pgbench 1-row INSERT"
	phaseParcours  = "parcours GET"
	phaseFloor     = "Echo + pgx floor GET"
	phaseEcho      = "bare Echo JSON GET"
	phaseMoi       = "GET /moi (auth only)"
)

// phaseYardsticks lists, for each measured phase, its yardsticks: the first
// is the one its target is set against, the others are for reference.
var phaseYardsticks = map[string][]string{
	phaseResultats: {phasePgbench},
	phaseParcours:  {phaseFloor, phaseEcho},
	phaseMoi:       {phaseEcho},
}

// phaseOrder is the order of the table's rows.
var phaseOrder = []string{phaseResultats, phasePgbench, phaseParcours, phaseFloor, phaseEcho, phaseMoi}

// The goals of the load run, at its largest client count; printed, not asserted.
const (
	goalResultatsRatio = 0.30 // of pgbench's INSERT tps
	goalResultatsP99   = 25.0 // ms
	goalParcoursRatio  = 0.50 // of the Echo + pgx floor
	goalParcoursP99    = 20.0 // ms
	goalPeakRSSMB      = 80.0 // server, whole run
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
	floorURL, stopFloor, err := startFloor(ctx, env.dbURL)
	if err != nil {
		return err
	}
	defer stopFloor()
	pgb, err := newPgbench(ctx, env, cfg.duration)
	if err != nil {
		return err
	}

	centre := data.tokens["centre"]
	parcours := make([]string, len(data.candidats))
	floor := make([]string, len(data.candidats))
	for i, id := range data.candidats {
		parcours[i] = env.base + "/api/v1/candidats/" + id + "/parcours"
		floor[i] = floorURL + id
	}
	get := func(token string, urls []string) func(int) (Run, error) {
		return func(n int) (Run, error) {
			return getLoop(ctx, env.http, token, urls, cfg.duration, cfg.maxRequests, n), nil
		}
	}
	server := func(run func(int) (Run, error)) func(int) (Run, error) {
		return func(n int) (r Run, err error) {
			return env.withServerCPU(func() Run { r, err = run(n); return r }), err
		}
	}
	type phase struct {
		name string
		run  func(clients int) (Run, error)
	}
	// Each group runs client count by client count, a phase's yardsticks
	// right after it, so that both see the machine in the same state.
	groups := [][]phase{
		{
			{phaseResultats, server(func(n int) (Run, error) { return data.recordResults(ctx, env, cfg, n), nil })},
			{phasePgbench, func(n int) (Run, error) { return pgb.run(ctx, n) }},
		},
		{
			{phaseParcours, server(get(centre, parcours))},
			{phaseFloor, get(centre, floor)},
			{phaseEcho, get("", []string{echoURL})},
			{phaseMoi, server(get(centre, []string{env.base + "/api/v1/moi"}))},
		},
	}
	for _, g := range groups {
		for _, n := range cfg.clients {
			for _, p := range g {
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
	}
	slices.SortStableFunc(rep.Runs, func(a, b Run) int {
		return slices.Index(phaseOrder, a.Phase) - slices.Index(phaseOrder, b.Phase)
	})
	ratios(rep.Runs)
	rep.Server = env.stopServer()
	progress("statements per request, on a second server…")
	if rep.Statements, err = countStatements(ctx, env, data, statementRequests); err != nil {
		if ctx.Err() != nil {
			return err
		}
		// The measures stand without the counts: the table says why they are missing.
		rep.StatementsError = err.Error()
	}
	return nil
}

// statementRequests is the number of requests of each kind whose statements
// are counted, after as many to warm the caches.
const statementRequests = 20

// ratios sets each measured phase's ratios to its yardsticks at the same client count.
func ratios(runs []Run) {
	for i := range runs {
		r := &runs[i]
		r.Ratios = nil
		for _, yard := range phaseYardsticks[r.Phase] {
			j := slices.IndexFunc(runs, func(y Run) bool { return y.Phase == yard && y.Clients == r.Clients })
			if j >= 0 && runs[j].RPS > 0 {
				r.Ratios = append(r.Ratios, Ratio{yard, r.RPS / runs[j].RPS})
			}
		}
	}
}

// targets checks the goals at the largest client count.
func targets(rep *Report, clients []int) []Target {
	top := slices.Max(clients)
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
	resRatio, parRatio := res.ratio(phasePgbench), par.ratio(phaseFloor)
	return []Target{
		goal(fmt.Sprintf("result recording ≥ %.0f %% of pgbench INSERT tps%s", 100*goalResultatsRatio, c), pct(resRatio),
			resRatio >= goalResultatsRatio),
		goal(fmt.Sprintf("result recording p99 ≤ %.0f ms%s", goalResultatsP99, c), fmt.Sprintf("%.1f ms", res.P99),
			res.Requests > 0 && res.P99 <= goalResultatsP99),
		goal("result recording 0 errors"+c, strconv.Itoa(res.Errors), res.Requests > 0 && res.Errors == 0),
		goal(fmt.Sprintf("parcours GET ≥ %.0f %% of the Echo + pgx floor%s", 100*goalParcoursRatio, c), pct(parRatio),
			parRatio >= goalParcoursRatio),
		goal(fmt.Sprintf("parcours GET p99 ≤ %.0f ms%s", goalParcoursP99, c), fmt.Sprintf("%.1f ms", par.P99),
			par.Requests > 0 && par.P99 <= goalParcoursP99),
		goal("parcours GET 0 errors"+c, strconv.Itoa(par.Errors), par.Requests > 0 && par.Errors == 0),
		goal(fmt.Sprintf("server peak RSS ≤ %.0f MB (whole run)", goalPeakRSSMB), fmt.Sprintf("%.1f MB", mb),
			rep.Server.PeakRSSKB > 0 && mb <= goalPeakRSSMB),
	}
}

// goal is one of the load run's targets.
func goal(g, actual string, met bool) Target { return Target{Goal: g, Actual: actual, Met: met} }

// loadAvg is the 1-minute load average of the machine.
func loadAvg() string {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return "?"
	}
	return fmt.Sprintf("%.2f", float64(si.Loads[0])/(1<<16)) // fixed point, SI_LOAD_SHIFT = 16
}

func pct(r float64) string { return fmt.Sprintf("%.1f %%", 100*r) }

// yardstickNames are the short names of the yardsticks in the table.
var yardstickNames = map[string]string{phasePgbench: "pgbench", phaseFloor: "floor", phaseEcho: "bare Echo"}

// ratioCell is the table's cell of a run's ratios, "-" for a yardstick.
func ratioCell(r Run) string {
	var out []string
	for _, x := range r.Ratios {
		out = append(out, pct(x.Ratio)+" of "+yardstickNames[x.Yardstick])
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

// cpuCell is the table's cell of the server's CPU per request.
func cpuCell(r Run) string {
	if r.ServerCPU == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f ms", r.ServerCPU)
}

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
	fmt.Fprintln(tw, "SECTION\tCASE\tCLIENTS\tREQUESTS\tREQ/S\tP50\tP95\tP99\tERRORS\tSERVER CPU/REQ\tVS YARDSTICKS\tNOTE")
	for _, r := range rep.Runs {
		section := "load"
		if _, measured := phaseYardsticks[r.Phase]; !measured {
			section = "yardstick"
		}
		if r.Phase == phasePgbench {
			r.Note = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\t%s\n", section, r.Phase, r.Clients, r.Requests,
			r.RPS, r.P50, r.P95, r.P99, r.Errors, cpuCell(r), ratioCell(r), statusNote(r))
	}
	tw.Flush()
	if len(rep.Statements) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, statementsNote+"\n", statementRequests)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATEMENTS\tCASE\tREQUESTS\tERRORS\tSTATEMENTS\tMIN–MAX\tROUND TRIPS\tPREPARED")
		for _, c := range rep.Statements {
			fmt.Fprintf(tw, "statements\t%s\t%d\t%d\t%d\t%d–%d\t%d\t%d\n", c.Case, c.Requests, c.Errors, c.Statements, c.Min, c.Max,
				c.RoundTrips, c.Parses)
		}
		tw.Flush()
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	}
	if rep.StatementsError != "" {
		fmt.Fprintf(w, "\nstatements per request not counted: %s\n\n", rep.StatementsError)
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
