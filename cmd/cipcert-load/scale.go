package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
)

// `cipcert-load scale` measures the candidat list, the name search and the
// parcours read at growing data sizes. For each size it creates a scratch
// database (migrated, seeded, served by cipcert on loopback, as the load
// run does), fills it with `generate`, and loads the running server with
// GETs, each case at each client count for at most -duration and
// -max-requests:
//
//   - the list as admin and as the centre: first page, and a deep page
//     reached by following the suivant cursors (pages of 200, for at most
//     -walk; the deep pages are the second half of the walk);
//   - the name search, nom=<3 letters>, the prefixes of random candidats'
//     noms de naissance (popular prefixes as often as the register has them);
//   - parcours=vae, first page;
//   - the parcours read of random candidats of the centre with sessions.
//
// Each case prints, at each client count, its latencies, the server's CPU
// time per request (/proc, around the run) and the goal, p99 ≤ -target-p99
// (20 ms) with no error at up to -target-clients (8) clients, met or MISSED.
//
// Then it turns auto_explain on (autoexplain.go), sends one request of each
// case and the name search for every sampled prefix, prints the plans the
// server's statements got, flags any sequential scan of a large table, and
// drops the database, unless -keep keeps it for the next run (keep.go).

// scaleConfig is the command line of `cipcert-load scale`.
type scaleConfig struct {
	bin           string
	pg            string
	sizes         []scaleSize
	clients       []int
	duration      time.Duration
	maxRequests   int
	walk          time.Duration
	timeout       time.Duration
	seed          int64
	targetP99     float64
	targetClients int
	json          bool
	noExplain     bool
	pgLog         string
	sql           string
	keep          bool
}

// scaleSize is one data size: candidats and evaluation results.
type scaleSize struct {
	Candidats int `json:"candidats"`
	Resultats int `json:"resultats"`
}

// parseSizes reads "10000:50000,1000000:5000000"; a size without its
// results count gets 5 per candidat; k and M suffixes are accepted.
func parseSizes(s string) ([]scaleSize, error) {
	var out []scaleSize
	for _, part := range strings.Split(s, ",") {
		c, r, hasR := strings.Cut(strings.TrimSpace(part), ":")
		n, err := parseCount(c)
		if err != nil {
			return nil, fmt.Errorf("-sizes: %q: %w", part, err)
		}
		m := 5 * n
		if hasR {
			if m, err = parseCount(r); err != nil {
				return nil, fmt.Errorf("-sizes: %q: %w", part, err)
			}
		}
		if n < 1 || m < 0 || m > 3*maxRounds*n {
			return nil, fmt.Errorf("-sizes: %q: candidats must be positive, results at most %d per candidat", part, 3*maxRounds)
		}
		out = append(out, scaleSize{n, m})
	}
	return out, nil
}

// parseCount reads 10000, 10k or 1M.
func parseCount(s string) (int, error) {
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1000, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, s = 1_000_000, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100_000_000/mult {
		return 0, fmt.Errorf("%q is not a count", s)
	}
	return n * mult, nil
}

func parseScaleFlags(args []string) (scaleConfig, error) {
	var c scaleConfig
	fs := flag.NewFlagSet("cipcert-load scale", flag.ContinueOnError)
	fs.StringVar(&c.bin, "bin", "", "cipcert binary to run (default: build ./cmd/cipcert)")
	fs.StringVar(&c.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL URL with the right to create databases (loopback only)")
	sizes := fs.String("sizes", "10k:50k,1M:5M", "data sizes, candidats:results, comma-separated")
	clients := fs.String("clients", "1,8", "client counts, comma-separated")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "length of each measured run")
	fs.IntVar(&c.maxRequests, "max-requests", 50000, "request cap of each measured run")
	fs.DurationVar(&c.walk, "walk", 20*time.Second, "time spent following suivant cursors to reach the deep pages")
	fs.DurationVar(&c.timeout, "timeout", 90*time.Minute, "limit for the whole program")
	fs.Int64Var(&c.seed, "seed", 0, "generation seed (default random)")
	fs.Float64Var(&c.targetP99, "target-p99", 20, "p99 goal in ms, per case")
	fs.IntVar(&c.targetClients, "target-clients", 8, "largest client count the p99 goal applies to")
	fs.BoolVar(&c.json, "json", false, "print JSON instead of the tables")
	fs.BoolVar(&c.noExplain, "no-explain", false, "skip the EXPLAIN plans")
	fs.StringVar(&c.pgLog, "pglog", "", "PostgreSQL's log file, where auto_explain writes (default: the logging collector's\n"+
		"current file, or else /var/log/postgresql/postgresql-<major>-main.log)")
	fs.StringVar(&c.sql, "sql", "", "SQL run on each scratch database after the generation, before the measures, the server\n"+
		"then restarted so that every connection sees it: to try an index or a setting ({db} is the database's name),\n"+
		"e.g. -sql 'ALTER DATABASE {db} SET plan_cache_mode = force_custom_plan'")
	fs.BoolVar(&c.keep, "keep", false, "keep each generated data set in a database "+keptPrefix+"<candidats>_<results> and reuse it\n"+
		"on the next -keep run when the schema version and the generation's parameters match (else generate it again)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.sizes, err = parseSizes(*sizes); err != nil {
		return c, err
	}
	if c.clients, err = parseRunFlags(*clients, c.duration, c.maxRequests); err != nil {
		return c, err
	}
	if c.walk <= 0 {
		return c, errors.New("-walk must be positive")
	}
	if c.keep && c.sql != "" {
		// The kept set would carry the change into the next runs.
		return c, errors.New("-sql changes the database: not with -keep")
	}
	return c, loopbackOnly(c.pg)
}

// ScaleReport is a whole scale run; -json prints it as is.
type ScaleReport struct {
	Started  time.Time     `json:"started"`
	Host     string        `json:"host"`
	Postgres string        `json:"postgres"`
	Results  []ScaleResult `json:"sizes"`
}

// ScaleResult is what one size measured.
type ScaleResult struct {
	Size      scaleSize    `json:"size"`
	Kept      string       `json:"kept_in,omitempty"`
	Reused    bool         `json:"reused,omitempty"`
	LoadAvg   [2]string    `json:"loadavg_1min"`
	Disk      []string     `json:"disk_free"`
	Gen       *GenReport   `json:"generation"`
	Walks     []Walk       `json:"walks"`
	Runs      []Run        `json:"runs"`
	Server    serverUsage  `json:"server"` // walks and measured runs
	SQL       string       `json:"sql,omitempty"`
	NomSearch []PrefixStat `json:"nom_search_per_prefix,omitempty"`
	Targets   []Target     `json:"targets"`
	Plans     []QueryPlan  `json:"plans,omitempty"`
	Prefixes  int          `json:"distinct_prefixes_sampled"`
}

// Walk is the sequence of list pages followed from the first to reach the
// deep pages.
type Walk struct {
	Who     string  `json:"who"`
	Pages   int     `json:"pages"`
	Depth   int     `json:"rows_deep"`
	Visible int64   `json:"rows_visible"`
	End     bool    `json:"reached_end"`
	Seconds float64 `json:"seconds"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
}

func scaleCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseScaleFlags(args)
	if err != nil {
		return err
	}
	interrupted := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.timeout, fmt.Errorf("-timeout %s reached", cfg.timeout))
	defer cancel()
	if cfg.bin == "" {
		dir, err := os.MkdirTemp("", "cipcert-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.bin = filepath.Join(dir, "cipcert")
		progress("building ./cmd/cipcert…")
		if err := command(ctx, nil, "go", "build", "-o", cfg.bin, "./cmd/cipcert"); err != nil {
			return err
		}
	}
	rep := &ScaleReport{Started: time.Now().UTC(),
		Host: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	for _, size := range cfg.sizes {
		res, err := measureScale(ctx, cfg, size, rep)
		if err != nil {
			switch {
			case interrupted.Err() != nil:
				return fmt.Errorf("interrupted (%w)", err)
			case ctx.Err() != nil:
				return fmt.Errorf("%w (%w)", context.Cause(ctx), err)
			}
			return fmt.Errorf("%d candidats: %w", size.Candidats, err)
		}
		rep.Results = append(rep.Results, *res)
		if !cfg.json {
			printScale(stdout, rep, res, cfg.targetP99)
		}
	}
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return nil
}

// The measured cases, in the order of the table; the first two are
// yardsticks of the machine: a bare Echo endpoint in this process, and the
// cheapest authenticated request of the server (the bearer token lookup
// and the middleware, no list query).
const (
	caseEcho        = "yardstick: bare Echo JSON GET"
	caseMoi         = "yardstick: GET /api/v1/moi (auth only)"
	caseAdminFirst  = "list admin, first page"
	caseAdminDeep   = "list admin, deep page"
	caseCentreFirst = "list centre, first page"
	caseCentreDeep  = "list centre, deep page"
	caseNomAdmin    = "nom=<3 letters> admin"
	caseNomCentre   = "nom=<3 letters> centre"
	caseVAE         = "parcours=vae admin, first page"
	caseParcours    = "GET :id/parcours centre"
)

// scaleCase is one measured request and the URLs it draws from.
type scaleCase struct {
	name string
	who  string   // the account whose token is sent; "" for none
	urls []string // cycled through
	yard bool     // a yardstick, not held to the target
}

// scaleData is what the measured requests draw from.
type scaleData struct {
	tokens      map[string]string // admin, centre
	centreID    string
	deep        map[string][]string // who → cursors of deep pages
	prefixes    []string
	withSession []string // candidats of the centre with at least one inscription
}

// measureScale runs one size in its own scratch database, dropped at the end.
func measureScale(ctx context.Context, cfg scaleConfig, size scaleSize, rep *ScaleReport) (_ *ScaleResult, err error) {
	res := &ScaleResult{Size: size}
	res.LoadAvg[0] = loadAvg()
	progress("scale: %d candidats, %d results", size.Candidats, size.Resultats)
	e, kept, err := startScaleEnv(ctx, cfg, size, res)
	if e != nil {
		defer func() {
			if cerr := e.close(); err == nil {
				err = cerr
			}
		}()
	}
	if err != nil {
		return nil, err
	}
	rep.Postgres = e.pgVersion
	if cfg.keep {
		// Leave no auto_explain setting to whoever opens the kept set next.
		defer e.exec(context.Background(), "ALTER DATABASE "+res.Kept+" RESET ALL")
	}

	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	if kept != nil {
		res.Gen = kept.Gen
	} else {
		if res.Disk, err = checkDisk(ctx, conn, size); err != nil {
			return nil, err
		}
		seed := cfg.seed
		if seed == 0 {
			seed = rand.Int64N(1<<40) + 1
		}
		if res.Gen, err = generate(ctx, conn, genConfig{candidats: size.Candidats, resultats: size.Resultats, seed: seed,
			parSession: scaleParSession, vacuum: true}); err != nil {
			return nil, err
		}
		if cfg.keep {
			if err := e.markKept(ctx, res.Kept, keptSet{Params: wantParams(size, seed), Generated: time.Now().UTC(), Gen: res.Gen}); err != nil {
				return nil, err
			}
			progress("scale: data set kept in %s for the next -keep run", res.Kept)
		}
	}

	if cfg.sql != "" {
		var db string
		if err := conn.QueryRow(ctx, `SELECT quote_ident(current_database())`).Scan(&db); err != nil {
			return nil, err
		}
		res.SQL = strings.ReplaceAll(cfg.sql, "{db}", db)
		progress("scale: %s; restarting the server", res.SQL)
		if _, err := conn.Exec(ctx, res.SQL, pgx.QueryExecModeSimpleProtocol); err != nil {
			return nil, fmt.Errorf("-sql: %w", err)
		}
		if err := restartServer(ctx, e, cfg.bin); err != nil {
			return nil, err
		}
	}

	d, err := scaleSamples(ctx, e, conn)
	if err != nil {
		return nil, err
	}
	res.Prefixes = len(uniq(d.prefixes))
	for _, who := range []string{"admin", "centre"} {
		w, cursors, err := walkPages(ctx, e, d.tokens[who], cfg.walk)
		if err != nil {
			return nil, fmt.Errorf("walk as %s: %w", who, err)
		}
		w.Who = who
		res.Walks = append(res.Walks, w)
		d.deep[who] = cursors[len(cursors)/2:]
		if len(d.deep[who]) == 0 {
			d.deep[who] = []string{""}
		}
	}

	echoURL, stopEcho, err := startBareEcho()
	if err != nil {
		return nil, err
	}
	defer stopEcho()
	list := e.base + "/api/v1/candidats?limite=50"
	withCursor := func(cs []string) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = list + "&apres=" + url.QueryEscape(c)
		}
		return out
	}
	noms := make([]string, len(d.prefixes))
	for i, p := range d.prefixes {
		noms[i] = e.base + "/api/v1/candidats?nom=" + url.QueryEscape(p)
	}
	parcours := make([]string, len(d.withSession))
	for i, id := range d.withSession {
		parcours[i] = e.base + "/api/v1/candidats/" + id + "/parcours"
	}
	cases := []scaleCase{
		{caseEcho, "", []string{echoURL}, true},
		{caseMoi, "centre", []string{e.base + "/api/v1/moi"}, true},
		{caseAdminFirst, "admin", []string{list}, false},
		{caseAdminDeep, "admin", withCursor(d.deep["admin"]), false},
		{caseCentreFirst, "centre", []string{list}, false},
		{caseCentreDeep, "centre", withCursor(d.deep["centre"]), false},
		{caseNomAdmin, "admin", noms, false},
		{caseNomCentre, "centre", noms, false},
		{caseVAE, "admin", []string{e.base + "/api/v1/candidats?parcours=vae&limite=50"}, false},
		{caseParcours, "centre", parcours, false},
	}
	yardsticks := map[string]bool{}
	for _, c := range cases {
		if len(c.urls) == 0 {
			return nil, fmt.Errorf("%s: nothing to request", c.name)
		}
		for _, n := range cfg.clients {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress("scale %d: %s, %d client(s)…", size.Candidats, c.name, n)
			run := func() Run { return getLoop(ctx, e.http, d.tokens[c.who], c.urls, cfg.duration, cfg.maxRequests, n) }
			var r Run
			if c.who == "" {
				r = run() // served by this process
			} else {
				r = e.withServerCPU(run)
			}
			r.Phase, r.Clients = c.name, n
			yardsticks[c.name] = c.yard
			if len(c.urls) > 1 {
				r.Note = fmt.Sprintf("%d distinct URLs", len(uniq(c.urls)))
			}
			res.Runs = append(res.Runs, r)
		}
	}
	res.Server = e.stopServer()
	res.Targets = scaleTargets(slices.DeleteFunc(slices.Clone(res.Runs), func(r Run) bool { return yardsticks[r.Phase] }),
		cfg.targetP99, cfg.targetClients)
	if !cfg.noExplain {
		x, err := startExplain(ctx, e, conn, cfg.bin, cfg.pgLog)
		if err != nil {
			return nil, fmt.Errorf("auto_explain: %w", err)
		}
		defer x.close()
		progress("scale %d: the plans of each case…", size.Candidats)
		if res.Plans, err = x.explainCases(ctx, slices.DeleteFunc(slices.Clone(cases), func(c scaleCase) bool { return c.who == "" }), d.tokens); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		progress("scale %d: the name search, prefix by prefix…", size.Candidats)
		if res.NomSearch, err = x.prefixScan(ctx, uniq(d.prefixes), d.tokens); err != nil {
			return nil, fmt.Errorf("name search per prefix: %w", err)
		}
	}
	res.LoadAvg[1] = loadAvg()
	return res, nil
}

// startScaleEnv starts the server on a scratch database, or with -keep on
// the data set kept for size, which it returns if it can be reused as it is.
func startScaleEnv(ctx context.Context, cfg scaleConfig, size scaleSize, res *ScaleResult) (*env, *keptSet, error) {
	if !cfg.keep {
		e, err := startEnv(ctx, config{bin: cfg.bin, pg: cfg.pg})
		return e, nil, err
	}
	e, err := openEnv(ctx, config{bin: cfg.bin, pg: cfg.pg})
	if err != nil {
		return e, nil, err
	}
	var kept *keptSet
	if res.Kept, kept, err = e.openKept(ctx, keptPrefix, size, cfg.seed); err != nil {
		return e, nil, err
	}
	res.Reused = kept != nil
	if kept == nil {
		if err := e.migrateSeed(ctx, res.Kept, e.dbURL); err != nil {
			return e, nil, err
		}
	}
	return e, kept, e.serve(ctx, e.bin)
}

// restartServer stops the server and serves again, on a new port, so that
// its connections see settings changed since it started.
func restartServer(ctx context.Context, e *env, bin string) error {
	e.stopServer()
	return e.serve(ctx, bin)
}

// checkDisk reports the free space where the database and this run live,
// and refuses to generate a size that would not fit with a margin.
func checkDisk(ctx context.Context, conn *pgx.Conn, size scaleSize) ([]string, error) {
	var dataDir string
	if err := conn.QueryRow(ctx, `SHOW data_directory`).Scan(&dataDir); err != nil {
		dataDir = "/var/lib/postgresql"
	}
	wd, _ := os.Getwd()
	need := estimateBytes(size)
	var out []string
	for _, p := range uniq([]string{wd, dataDir}) {
		var st syscall.Statfs_t
		if err := syscall.Statfs(p, &st); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		free := int64(st.Bavail) * st.Bsize
		out = append(out, fmt.Sprintf("%s: %s free", p, humanBytes(free)))
		if p == dataDir && free < need {
			return out, fmt.Errorf("%s has %s free; %d candidats and %d results need about %s", p, humanBytes(free),
				size.Candidats, size.Resultats, humanBytes(need))
		}
	}
	out = append(out, "estimated need "+humanBytes(need))
	progress("disk: %s", strings.Join(out, "; "))
	return out, nil
}

// estimateBytes is the disk a generated size takes, from a 10 000-candidat
// run (about 1 300 bytes per result with its inscription share, 1 700 per
// candidat with its ECF), with half again as margin, plus 2 GiB of WAL.
func estimateBytes(s scaleSize) int64 {
	return (1300*int64(s.Resultats)+1700*int64(s.Candidats))*3/2 + 2<<30
}

// scaleSamples logs in and draws the inputs of the measured requests.
func scaleSamples(ctx context.Context, e *env, conn *pgx.Conn) (*scaleData, error) {
	d := &scaleData{tokens: map[string]string{}, deep: map[string][]string{}}
	for acc, pw := range map[string]string{"admin": "admin-demo-cipcert", "centre": "centre-demo-cipcert"} {
		var out struct{ Jeton string }
		if err := e.call(ctx, "", "POST", "/api/v1/auth/connexion", map[string]string{"identifiant": acc, "mot_de_passe": pw}, &out); err != nil {
			return nil, fmt.Errorf("login %s: %w", acc, err)
		}
		d.tokens[acc] = out.Jeton
	}
	if err := conn.QueryRow(ctx, `SELECT centre_id FROM utilisateurs WHERE identifiant = 'centre'`).Scan(&d.centreID); err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, `SELECT nom_naissance FROM candidats TABLESAMPLE BERNOULLI (10) ORDER BY random() LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	noms, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, n := range noms {
		d.prefixes = append(d.prefixes, namePrefix(n, 3))
	}
	rows, err = conn.Query(ctx, `SELECT c.id FROM candidats c TABLESAMPLE BERNOULLI (10)
		WHERE c.centre_id = $1 AND EXISTS (SELECT 1 FROM inscriptions i WHERE i.candidat_id = c.id)
		ORDER BY random() LIMIT 2000`, d.centreID)
	if err != nil {
		return nil, err
	}
	if d.withSession, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, err
	}
	if len(d.prefixes) == 0 || len(d.withSession) == 0 {
		return nil, errors.New("the sample found no candidat (or none with a session): too small a size")
	}
	return d, nil
}

// walkPages follows the suivant cursors of the list, pages of 200, from the
// first page until the end or for at most budget, and returns the cursor of
// every page reached.
func walkPages(ctx context.Context, e *env, token string, budget time.Duration) (Walk, []string, error) {
	var (
		w       Walk
		cursors []string
		lats    []time.Duration
		cursor  string
	)
	start := time.Now()
	for time.Since(start) < budget {
		path := "/api/v1/candidats?limite=200"
		if cursor != "" {
			path += "&apres=" + url.QueryEscape(cursor)
		}
		var page struct {
			Candidats []struct{ ID string }
			Suivant   string
		}
		t := time.Now()
		if err := e.call(ctx, token, "GET", path, nil, &page); err != nil {
			return w, nil, err
		}
		lats = append(lats, time.Since(t))
		w.Pages++
		w.Depth += len(page.Candidats)
		if page.Suivant == "" {
			w.End = true
			break
		}
		cursor = page.Suivant
		cursors = append(cursors, cursor)
	}
	w.Seconds = time.Since(start).Seconds()
	slices.Sort(lats)
	w.P50, w.P99 = ms(percentile(lats, 50)), ms(percentile(lats, 99))
	return w, cursors, nil
}

// scaleTargets checks the p99 goal and the absence of errors for every run
// at up to clients clients: the goal is set at that load, and a lighter one
// that misses it would miss it there too.
func scaleTargets(runs []Run, p99 float64, clients int) []Target {
	var out []Target
	for _, r := range runs {
		if r.Clients > clients {
			continue
		}
		goal := fmt.Sprintf("%s @%d: p99 ≤ %g ms, no error", r.Phase, r.Clients, p99)
		actual := fmt.Sprintf("p99 %.1f ms, %d errors", r.P99, r.Errors)
		out = append(out, Target{Goal: goal, Actual: actual, Met: r.Requests > 0 && r.Errors == 0 && r.P99 <= p99,
			Case: r.Phase, Clients: r.Clients})
	}
	return out
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// printScale prints one size: generation, walks, latencies, targets, plans.
func printScale(w io.Writer, rep *ScaleReport, r *ScaleResult, targetP99 float64) {
	fmt.Fprintf(w, "\ncipcert scale — %d candidats, %d results · %s · %s · PostgreSQL %s · load average %s at start, %s at end\n",
		r.Size.Candidats, r.Size.Resultats, rep.Started.Format("2006-01-02 15:04 MST"), rep.Host, rep.Postgres, r.LoadAvg[0], r.LoadAvg[1])
	switch {
	case r.Reused:
		fmt.Fprintf(w, "data set reused from database %s (-keep), generated as follows:\n\n", r.Kept)
	case r.Kept != "":
		fmt.Fprintf(w, "disk before generating: %s; data set kept in database %s (-keep)\n\n", strings.Join(r.Disk, "; "), r.Kept)
	default:
		fmt.Fprintf(w, "disk before generating: %s\n\n", strings.Join(r.Disk, "; "))
	}
	printGenReport(w, r.Gen)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WALK (limite=200, following suivant)\tPAGES\tROWS DEEP\tEND\tSECONDS\tP50\tP99")
	for _, x := range r.Walks {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%v\t%.1f\t%.2f\t%.2f\n", x.Who, x.Pages, x.Depth, x.End, x.Seconds, x.P50, x.P99)
	}
	tw.Flush()
	fmt.Fprintf(w, "deep pages: the second half of each walk; nom prefixes: %d distinct among the sampled candidats\n\n", r.Prefixes)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if r.SQL != "" {
		fmt.Fprintf(w, "run after the generation (server restarted): %s\n", r.SQL)
	}
	requests := 0 // to the server: the bare Echo yardstick runs in this process
	for _, x := range r.Runs {
		if x.Phase != caseEcho {
			requests += x.Requests
		}
	}
	fmt.Fprintf(w, "server, walks and measured runs: %.1f s CPU (user + system), %.3f ms per request; peak RSS %.1f MB (getrusage of the stopped process)\n",
		r.Server.CPU.Seconds(), 1000*r.Server.CPU.Seconds()/float64(max(1, requests)), float64(r.Server.PeakRSSKB)/1024)
	fmt.Fprintln(w, "latencies in ms; server CPU per request read from /proc around each run (10 ms ticks)")
	fmt.Fprintln(tw, "CASE\tCLIENTS\tREQUESTS\tREQ/S\tP50\tP95\tP99\tERRORS\tSERVER CPU/REQ\tTARGET\tNOTE")
	met := 0
	for _, x := range r.Runs {
		verdict := "-"
		for _, t := range r.Targets {
			if t.Case == x.Phase && t.Clients == x.Clients {
				verdict = fmt.Sprintf("p99 ≤ %g ms: MISSED", targetP99)
				if t.Met {
					verdict = fmt.Sprintf("p99 ≤ %g ms: met", targetP99)
					met++
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%s\t%s\n", x.Phase, x.Clients,
			x.Requests, x.RPS, x.P50, x.P95, x.P99, x.Errors, cpuCell(x), verdict, statusNote(x))
	}
	fmt.Fprintf(tw, "target\t%d of %d (case, clients) met p99 ≤ goal with no error\n", met, len(r.Targets))
	tw.Flush()
	if len(r.NomSearch) > 0 {
		printPrefixStats(w, r.NomSearch)
	}
	if len(r.Plans) > 0 {
		fmt.Fprintf(w, "\nEXPLAIN (ANALYZE, BUFFERS) by auto_explain at %d candidats — each statement the server sent, once, for one request of each case\n", r.Size.Candidats)
		for _, p := range r.Plans {
			printPlan(w, p)
		}
	}
}
