package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
)

// The plans come from PostgreSQL's auto_explain, loaded into every session
// of the scratch database, which logs the plan of each statement the
// server sends with its real parameters and the plan PostgreSQL really
// chose (custom or generic, as the driver's prepared statements get).
// Nothing here copies the application's SQL, so the plans cannot drift
// from certification/. shared_preload_libraries (and so pg_stat_statements)
// needs a restart of PostgreSQL, which is shared: session_preload_libraries,
// a per-database setting, does not. The plans are read back from the
// server log, told apart by the database name of log_line_prefix (%d).
//
// The measured runs are over by then: logging every plan with ANALYZE
// timing would slow the figures down.

// QueryPlan is one statement the server ran for a request of a case, as
// auto_explain logged it (EXPLAIN ANALYZE, BUFFERS).
type QueryPlan struct {
	Case    string   `json:"case"`
	SQL     string   `json:"sql"`
	Lines   []string `json:"plan"`
	ExecMS  float64  `json:"duration_ms"`
	Flags   []string `json:"flags,omitempty"`
	Indexes []string `json:"indexes_used,omitempty"`
}

// autoExplainSettings turn auto_explain on for every new session of a database.
var autoExplainSettings = []string{
	"session_preload_libraries = 'auto_explain'",
	"auto_explain.log_min_duration = 0",
	"auto_explain.log_analyze = on",
	"auto_explain.log_buffers = on",
	"auto_explain.log_format = text",
}

// explainer reads the plans auto_explain logs for one database.
type explainer struct {
	e     *env
	was   string // the server's base URL before the restart, in the cases' URLs
	log   *os.File
	db    string
	rest  []byte // an incomplete last line, kept for the next read
	sizes map[string]int64
}

// startExplain turns auto_explain on for the server's database, restarts
// the server so that its new connections load it, and starts reading the
// server log from its current end.
func startExplain(ctx context.Context, e *env, conn *pgx.Conn, bin, logPath string) (*explainer, error) {
	x := &explainer{e: e, was: e.base}
	err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&x.db)
	if err == nil && logPath == "" {
		logPath, err = serverLogPath(ctx, conn)
	}
	if err == nil {
		x.sizes, err = tableSizes(ctx, conn)
	}
	for _, s := range autoExplainSettings {
		if err == nil {
			_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{x.db}.Sanitize()+" SET "+s)
		}
	}
	if err != nil {
		return nil, err
	}
	progress("auto_explain on in %s, plans read from %s; restarting the server", x.db, logPath)
	if err := restartServer(ctx, e, bin); err != nil {
		return nil, err
	}
	// Read from the end: what the server ran as it started is no case's.
	if x.log, err = os.Open(logPath); err != nil {
		return nil, fmt.Errorf("the server log, where auto_explain writes (-pglog, or -no-explain): %w", err)
	}
	if _, err := x.log.Seek(0, io.SeekEnd); err != nil {
		x.log.Close()
		return nil, err
	}
	return x, nil
}

func (x *explainer) close() { x.log.Close() }

// serverLogPath is where PostgreSQL's stderr goes: the logging collector's
// current file, or else Debian's pg_ctlcluster log of the main cluster.
func serverLogPath(ctx context.Context, conn *pgx.Conn) (string, error) {
	var cur *string
	var dataDir string
	var version int
	if err := conn.QueryRow(ctx, `SELECT pg_current_logfile(), current_setting('data_directory'),
		current_setting('server_version_num')::int`).Scan(&cur, &dataDir, &version); err != nil {
		return "", err
	}
	if cur != nil {
		if filepath.IsAbs(*cur) {
			return *cur, nil
		}
		return filepath.Join(dataDir, *cur), nil
	}
	return fmt.Sprintf("/var/log/postgresql/postgresql-%d-main.log", version/10000), nil
}

// get sends one GET as who and returns the plans of the statements it caused.
func (x *explainer) get(ctx context.Context, caseName, token, url string) ([]QueryPlan, error) {
	if status, _ := send(ctx, x.e.http, request{method: "GET", url: url, token: token}); status != 200 {
		return nil, fmt.Errorf("%s: GET %s: status %d", caseName, url, status)
	}
	// The backend writes the plan before it answers the query, so before
	// the server answers the request.
	plans, err := x.read()
	for i := range plans {
		p := &plans[i]
		p.Case = caseName
		p.Flags, p.Indexes = analysePlan(p.Lines, x.sizes)
	}
	return plans, err
}

// read returns the plans logged since the last read.
func (x *explainer) read() ([]QueryPlan, error) {
	b, err := io.ReadAll(x.log)
	if err != nil {
		return nil, err
	}
	b = append(x.rest, b...)
	i := bytes.LastIndexByte(b, '\n') + 1
	x.rest = slices.Clone(b[i:])
	return parsePlans(b[:i], x.db), nil
}

// reLogged is the first line of an auto_explain entry under Debian's
// log_line_prefix '%m [%p] %q%u@%d '.
var reLogged = regexp.MustCompile(`^\S+ \S+ \S+ \[\d+\] \S*@(\S+) LOG:  duration: ([0-9.]+) ms  plan:$`)

// parsePlans returns the plans auto_explain logged for database db in log
// text: an entry is its first line and the tab-indented lines after it, the
// query text (which may span lines) up to the plan's first node, the one
// line with costs. Other databases' entries and other messages are skipped.
func parsePlans(log []byte, db string) []QueryPlan {
	var (
		out []QueryPlan
		cur *QueryPlan
	)
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if body, ok := strings.CutPrefix(line, "\t"); ok {
			if cur == nil {
				continue
			}
			if len(cur.Lines) == 0 && !strings.Contains(body, "  (cost=") {
				cur.SQL = strings.Join(strings.Fields(cur.SQL+" "+strings.TrimPrefix(body, "Query Text: ")), " ")
			} else {
				cur.Lines = append(cur.Lines, body)
			}
			continue
		}
		cur = nil
		if m := reLogged.FindStringSubmatch(line); m != nil && m[1] == db {
			ms, _ := strconv.ParseFloat(m[2], 64)
			out = append(out, QueryPlan{ExecMS: ms})
			cur = &out[len(out)-1]
		}
	}
	return out
}

// explainCases sends one request of each case and returns the plan of every
// distinct statement, in the order first seen.
func (x *explainer) explainCases(ctx context.Context, cases []scaleCase, tokens map[string]string) ([]QueryPlan, error) {
	var out []QueryPlan
	seen := map[string]bool{}
	for _, c := range cases {
		u := strings.Replace(c.urls[len(c.urls)/2], x.was, x.e.base, 1)
		plans, err := x.get(ctx, c.name, tokens[c.who], u)
		if err != nil {
			return nil, err
		}
		for _, p := range plans {
			if !seen[p.SQL] {
				seen[p.SQL] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// prefixScan runs the name search for every prefix, as admin and as the
// centre, through the API: the p99 of the measured search is the tail of
// these plans.
func (x *explainer) prefixScan(ctx context.Context, prefixes []string, tokens map[string]string) ([]PrefixStat, error) {
	var out []PrefixStat
	for _, p := range prefixes {
		for _, who := range []string{"admin", "centre"} {
			plans, err := x.get(ctx, "nom="+p, tokens[who], x.e.base+"/api/v1/candidats?nom="+url.QueryEscape(p))
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(plans, func(q QueryPlan) bool { return strings.Contains(q.SQL, " LIKE ") })
			if i < 0 {
				return nil, fmt.Errorf("nom=%s as %s: no plan of the name search in the log (does log_line_prefix hold %%u@%%d?)", p, who)
			}
			st := PrefixStat{Prefix: p, Who: who, ExecMS: plans[i].ExecMS}
			plan := strings.Join(plans[i].Lines, "\n")
			st.Plan = planShape(plan)
			for _, m := range reRemoved.FindAllStringSubmatch(plan, -1) {
				n, _ := strconv.ParseInt(m[1], 10, 64)
				st.Removed += n
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// tableSizes returns the estimated rows of every table, to tell large ones.
func tableSizes(ctx context.Context, conn *pgx.Conn) (map[string]int64, error) {
	rows, err := conn.Query(ctx, `SELECT relname, greatest(reltuples, 0)::bigint FROM pg_class
		WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// largeTable is the row count from which a sequential scan is flagged.
const largeTable = 10000

var (
	reSeqScan = regexp.MustCompile(`Seq Scan on (\w+)`)
	reIndex   = regexp.MustCompile(`(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)`)
	reRemoved = regexp.MustCompile(`Rows Removed by Filter: (\d+)`)
)

// analysePlan flags sequential scans of large tables and filters that
// discard many rows, and lists the indexes used.
func analysePlan(lines []string, sizes map[string]int64) (flags, indexes []string) {
	for _, l := range lines {
		if m := reSeqScan.FindStringSubmatch(l); m != nil && sizes[m[1]] >= largeTable {
			flags = append(flags, fmt.Sprintf("Seq Scan on large table %s (%d rows)", m[1], sizes[m[1]]))
		}
		if m := reIndex.FindStringSubmatch(l); m != nil && !slices.Contains(indexes, m[1]) {
			indexes = append(indexes, m[1])
		}
		if m := reRemoved.FindStringSubmatch(l); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= largeTable {
				flags = append(flags, fmt.Sprintf("filter discards %d rows: %s", n, strings.TrimSpace(l)))
			}
		}
	}
	return flags, indexes
}

func printPlan(w io.Writer, p QueryPlan) {
	idx := "no index"
	if len(p.Indexes) > 0 {
		idx = "indexes " + strings.Join(p.Indexes, ", ")
	}
	fmt.Fprintf(w, "\n── %s — %.3f ms, %s\n   %s\n", p.Case, p.ExecMS, idx, p.SQL)
	for _, l := range p.Lines {
		fmt.Fprintf(w, "   │ %s\n", l)
	}
	for _, f := range p.Flags {
		fmt.Fprintf(w, "   ⚑ %s\n", f)
	}
}

// PrefixStat is the name search for one prefix, as admin or as the
// centre: the plan the server's statement got and its execution time.
type PrefixStat struct {
	Prefix  string  `json:"prefix"`
	Who     string  `json:"who"`
	Plan    string  `json:"plan"`
	ExecMS  float64 `json:"execution_ms"`
	Removed int64   `json:"rows_removed_by_filter"`
}

// branchAccess names how one name's branch of the search (candidats c_1
// for the nom de naissance, c_2 for the nom d'usage) reads its ids.
func branchAccess(plan, alias string) string {
	for _, a := range []struct{ marker, name string }{
		{"Index Only Scan using candidats_nom_", "index-only"},
		{"Bitmap Heap Scan on candidats", "bitmap"},
		{"Index Scan using candidats_pkey on candidats", "id walk"},
		{"Index Scan using candidats_centre_idx on candidats", "id walk"},
		{"Seq Scan on candidats", "seq scan"},
	} {
		for _, line := range strings.Split(plan, "\n") {
			if strings.Contains(line, a.marker) && strings.Contains(line+" ", " "+alias+" ") {
				return a.name
			}
		}
	}
	return "other"
}

// planShape is the name search's plan, branch by branch.
func planShape(plan string) string {
	return "naissance " + branchAccess(plan, "c_1") + ", usage " + branchAccess(plan, "c_2")
}

// printPrefixStats summarises the name search per plan shape, with the
// slowest prefix of each.
func printPrefixStats(w io.Writer, stats []PrefixStat) {
	fmt.Fprintf(w, "\nname search, prefix by prefix (auto_explain, warm cache): %d searches\n", len(stats))
	by := map[string][]PrefixStat{}
	for _, s := range stats {
		by[s.Who+" · "+s.Plan] = append(by[s.Who+" · "+s.Plan], s)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHO · PLAN\tPREFIXES\tEXEC P50\tEXEC MAX\tSLOWEST")
	for _, k := range slices.Sorted(maps.Keys(by)) {
		ss := by[k]
		slices.SortFunc(ss, func(a, b PrefixStat) int { return cmp.Compare(a.ExecMS, b.ExecMS) })
		worst := ss[len(ss)-1]
		fmt.Fprintf(tw, "%s\t%d\t%.2f ms\t%.2f ms\tnom=%s (%d rows filtered out)\n", k, len(ss),
			ss[len(ss)/2].ExecMS, worst.ExecMS, worst.Prefix, worst.Removed)
	}
	tw.Flush()
}
