package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
)

// QueryPlan is EXPLAIN (ANALYZE, BUFFERS) of one statement the server runs,
// as a custom plan (planned for its parameter values, as PostgreSQL does
// for the first five executions of a prepared statement) and, where the
// choice matters, as the generic plan it may switch to afterwards.
type QueryPlan struct {
	Name    string   `json:"name"`
	SQL     string   `json:"sql"`
	Params  []string `json:"params"`
	Mode    string   `json:"mode"` // custom or generic
	Lines   []string `json:"plan"`
	ExecMS  float64  `json:"execution_ms"`
	Flags   []string `json:"flags,omitempty"`
	Indexes []string `json:"indexes_used,omitempty"`
}

// planSpec is a statement of the application, with the $n parameters gorm
// binds, and the values of one request as SQL literals.
type planSpec struct {
	name    string
	sql     string
	params  []string
	generic bool // also show the generic plan
}

// The statements, as certification/candidats.go, parcours.go,
// historique.go, inscriptions.go, sessions.go and comptes.go build them
// (checked against the server's log_min_duration_statement=0 output):
// gorm binds every value, LIMIT included, and the pgx driver prepares each
// statement once per connection.
const (
	sqlList        = `SELECT c.* FROM candidats AS c WHERE c.archive_at IS NULL ORDER BY c.id LIMIT $1`
	sqlListDeep    = `SELECT c.* FROM candidats AS c WHERE c.archive_at IS NULL AND c.id > $1 ORDER BY c.id LIMIT $2`
	sqlCentre      = `SELECT c.* FROM candidats AS c WHERE c.centre_id = $1 AND c.archive_at IS NULL ORDER BY c.id LIMIT $2`
	sqlCentreDeep  = `SELECT c.* FROM candidats AS c WHERE c.centre_id = $1 AND c.archive_at IS NULL AND c.id > $2 ORDER BY c.id LIMIT $3`
	sqlNom         = `SELECT c.* FROM candidats AS c WHERE c.archive_at IS NULL AND c.id IN (SELECT m.id FROM (SELECT n.id FROM (SELECT c.id FROM candidats AS c WHERE c.archive_at IS NULL AND LOWER(c.nom_naissance) LIKE $1 ESCAPE '\' ORDER BY c.id || '' LIMIT $2) n UNION SELECT u.id FROM (SELECT c.id FROM candidats AS c WHERE c.archive_at IS NULL AND LOWER(c.nom_usage) LIKE $3 ESCAPE '\' ORDER BY c.id || '' LIMIT $4) u) m ORDER BY m.id LIMIT $5) ORDER BY c.id LIMIT $6`
	sqlNomCentre   = `SELECT c.* FROM candidats AS c WHERE c.centre_id = $1 AND c.archive_at IS NULL AND c.id IN (SELECT m.id FROM (SELECT n.id FROM (SELECT c.id FROM candidats AS c WHERE c.centre_id = $2 AND c.archive_at IS NULL AND LOWER(c.nom_naissance) LIKE $3 ESCAPE '\' ORDER BY c.id || '' LIMIT $4) n UNION SELECT u.id FROM (SELECT c.id FROM candidats AS c WHERE c.centre_id = $5 AND c.archive_at IS NULL AND LOWER(c.nom_usage) LIKE $6 ESCAPE '\' ORDER BY c.id || '' LIMIT $7) u) m ORDER BY m.id LIMIT $8) ORDER BY c.id LIMIT $9`
	sqlParcoursVAE = `SELECT c.* FROM candidats AS c WHERE c.parcours = $1 AND c.archive_at IS NULL ORDER BY c.id LIMIT $2`
	sqlECF         = `SELECT e.candidat_id, b.code, e.date_evaluation, e.observations FROM candidat_ecf e JOIN blocs b ON b.id = e.bloc_id WHERE e.candidat_id IN (%s) ORDER BY b.rang`
	sqlAnterieurs  = `SELECT a.candidat_id, b.code, v.code AS version_code, a.date_obtention, a.session_reference FROM candidat_ccp_anterieurs a JOIN blocs b ON b.id = a.bloc_id JOIN titre_versions v ON v.id = b.version_id WHERE a.candidat_id IN (%s) ORDER BY b.rang`
	sqlJeton       = `SELECT j.expire_at, j.revoque_at, u.id, u.identifiant, u.nom, u.role, u.centre_id, u.candidat_id, u.actif FROM jetons j JOIN utilisateurs u ON u.id = j.utilisateur_id WHERE j.hash = $1`
	sqlCandidat    = `SELECT c.* FROM candidats AS c WHERE c.centre_id = $1 AND c.id = $2 LIMIT $3`
	sqlPassages    = `SELECT i.*, s.reference AS session_reference, s.type AS session_type, s.debut AS session_debut, s.fin AS session_fin, s.version_id AS session_version_id, s.statut AS session_statut, c.nom_naissance, c.nom_usage, c.prenoms FROM inscriptions AS i JOIN sessions s ON s.id = i.session_id JOIN candidats c ON c.id = i.candidat_id WHERE i.candidat_id = $1 AND s.statut IN ($2,$3,$4,$5,$6) ORDER BY s.fin, s.id`
	sqlInsBlocs    = `SELECT ib.inscription_id, b.code FROM inscription_blocs ib JOIN blocs b ON b.id = ib.bloc_id WHERE ib.inscription_id IN (%s) ORDER BY b.rang`
	sqlEvaluations = `SELECT e.*, b.code AS ccp FROM evaluations e JOIN blocs b ON b.id = e.bloc_id WHERE e.inscription_id IN (%s) AND e.revoque_at IS NULL ORDER BY b.rang`
	sqlSessions    = `SELECT s.*, v.code AS version_code, t.code AS titre_code FROM sessions AS s JOIN titre_versions v ON v.id = s.version_id JOIN titres t ON t.id = v.titre_id WHERE s.id IN (%s)`
	sqlSessBlocs   = `SELECT sb.session_id, b.code FROM session_blocs sb JOIN blocs b ON b.id = sb.bloc_id WHERE sb.session_id IN (%s) ORDER BY b.rang`
	sqlSessJury    = `SELECT sj.session_id, sj.membre_id, m.nom, m.prenoms, sj.signe_at FROM session_jury sj JOIN jury_membres m ON m.id = sj.membre_id WHERE sj.session_id IN (%s) ORDER BY m.nom, m.prenoms`
)

// nomParams are the values of sqlNom, or of sqlNomCentre when centreID is
// set, for a page of 50 candidats whose name starts with prefix.
func nomParams(prefix, centreID string) []string {
	pat := lit(likePattern(prefix))
	if centreID == "" {
		return []string{pat, "51", pat, "51", "51", "51"}
	}
	c := lit(centreID)
	return []string{c, c, pat, "51", c, pat, "51", "51", "51"}
}

// placeholders returns "$from, …" for n values, as gorm expands IN ?.
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ",")
}

// lit is s as an SQL string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func lits(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = lit(s)
	}
	return out
}

// likePattern is the filter the application binds for nom=prefix.
func likePattern(prefix string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(prefix)) + "%"
}

// explainAll explains the statements of one list page, one name search
// (the most and the least frequent prefix sampled) and one parcours read.
func explainAll(ctx context.Context, conn *pgx.Conn, d *scaleData) ([]QueryPlan, error) {
	q := func(sql string, args ...any) ([]string, error) {
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
	page, err := q(`SELECT id FROM candidats WHERE archive_at IS NULL ORDER BY id LIMIT 50`)
	if err != nil {
		return nil, err
	}
	common, rare, err := prefixExtremes(ctx, conn, d.prefixes)
	if err != nil {
		return nil, err
	}
	cand := d.withSession[0]
	ins, err := q(`SELECT i.id FROM inscriptions i WHERE i.candidat_id = $1`, cand)
	if err != nil {
		return nil, err
	}
	sess, err := q(`SELECT DISTINCT i.session_id FROM inscriptions i WHERE i.candidat_id = $1`, cand)
	if err != nil {
		return nil, err
	}
	var titre string
	if err := conn.QueryRow(ctx, `SELECT titre_id FROM candidats WHERE id = $1`, cand).Scan(&titre); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(d.tokens["centre"]))
	adminDeep, centreDeep := d.deep["admin"][len(d.deep["admin"])/2], d.deep["centre"][len(d.deep["centre"])/2]
	statuts := lits([]string{"planifiee", "declaree", "tenue", "deliberee", "validee"})
	in := func(tmpl string, vals []string) planSpec {
		return planSpec{sql: fmt.Sprintf(tmpl, placeholders(1, len(vals))), params: lits(vals)}
	}
	named := func(name string, p planSpec) planSpec { p.name = name; return p }
	specs := []planSpec{
		{name: "list admin, first page", sql: sqlList, params: []string{"51"}},
		{name: "list admin, deep page", sql: sqlListDeep, params: []string{lit(adminDeep), "51"}},
		{name: "list centre, first page", sql: sqlCentre, params: []string{lit(d.centreID), "51"}},
		{name: "list centre, deep page", sql: sqlCentreDeep, params: []string{lit(d.centreID), lit(centreDeep), "51"}},
		{name: fmt.Sprintf("nom=%s admin (most frequent prefix sampled)", common), sql: sqlNom, generic: true, params: nomParams(common, "")},
		{name: fmt.Sprintf("nom=%s admin (least frequent prefix sampled)", rare), sql: sqlNom, generic: true, params: nomParams(rare, "")},
		{name: fmt.Sprintf("nom=%s centre", common), sql: sqlNomCentre, generic: true, params: nomParams(common, d.centreID)},
		{name: fmt.Sprintf("nom=%s centre", rare), sql: sqlNomCentre, generic: true, params: nomParams(rare, d.centreID)},
		{name: "parcours=vae admin, first page", sql: sqlParcoursVAE, params: []string{lit("vae"), "51"}, generic: true},
		named("list hydrate: ECF of the 50 candidats of a page", in(sqlECF, page)),
		named("list hydrate: CCP antérieurs of the page", in(sqlAnterieurs, page)),
		{name: "every request: bearer token", sql: sqlJeton, params: []string{lit(hex.EncodeToString(sum[:]))}},
		{name: "parcours: the candidat, centre scope", sql: sqlCandidat, params: []string{lit(d.centreID), lit(cand), "1"}},
		named("parcours: titre", in(`SELECT id, code FROM "titres" WHERE id IN (%s)`, []string{titre})),
		named("parcours: ECF of the candidat", in(sqlECF, []string{cand})),
		{name: "parcours: its inscriptions with their sessions", sql: sqlPassages, params: append([]string{lit(cand)}, statuts...), generic: true},
		named("parcours: CCP of the inscriptions", in(sqlInsBlocs, ins)),
		named("parcours: live evaluations of the inscriptions", in(sqlEvaluations, ins)),
		named("parcours: the sessions", in(sqlSessions, sess)),
		named("parcours: CCP of the sessions", in(sqlSessBlocs, sess)),
		named("parcours: jury of the sessions", in(sqlSessJury, sess)),
	}
	sizes, err := tableSizes(ctx, conn)
	if err != nil {
		return nil, err
	}
	var out []QueryPlan
	for i, s := range specs {
		modes := []string{"custom"}
		if s.generic {
			modes = append(modes, "generic")
		}
		for _, mode := range modes {
			p, err := explainOne(ctx, conn, fmt.Sprintf("cipcert_scale_%d", i), s, mode, sizes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// prefixExtremes returns the sampled prefixes matching the most and the
// fewest noms de naissance.
func prefixExtremes(ctx context.Context, conn *pgx.Conn, prefixes []string) (string, string, error) {
	rows, err := conn.Query(ctx, `SELECT p, (SELECT count(*) FROM candidats WHERE lower(nom_naissance) LIKE replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_') || '%')
		FROM unnest($1::text[]) p ORDER BY 2 DESC, 1`, uniq(prefixes))
	if err != nil {
		return "", "", err
	}
	type pc struct {
		P string
		N int64
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pc])
	if err != nil || len(all) == 0 {
		return "", "", fmt.Errorf("prefix counts: %v", err)
	}
	return all[0].P, all[len(all)-1].P, nil
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
	reSeqScan  = regexp.MustCompile(`Seq Scan on (\w+)`)
	reIndex    = regexp.MustCompile(`(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)`)
	reRemoved  = regexp.MustCompile(`Rows Removed by Filter: (\d+)`)
	reExecTime = regexp.MustCompile(`Execution Time: ([0-9.]+) ms`)
)

// explainOne prepares the statement as the driver does, then explains its
// execution with the request's values, twice (the second, warm, is kept).
func explainOne(ctx context.Context, conn *pgx.Conn, name string, s planSpec, mode string, sizes map[string]int64) (QueryPlan, error) {
	p := QueryPlan{Name: s.name, SQL: s.sql, Params: s.params, Mode: mode}
	simple := pgx.QueryExecModeSimpleProtocol
	if _, err := conn.Exec(ctx, "PREPARE "+name+" AS "+s.sql, simple); err != nil {
		return p, err
	}
	defer conn.Exec(context.Background(), "DEALLOCATE "+name, simple)
	defer conn.Exec(context.Background(), "RESET plan_cache_mode", simple)
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = force_"+mode+"_plan", simple); err != nil {
		return p, err
	}
	exec := "EXPLAIN (ANALYZE, BUFFERS) EXECUTE " + name
	if len(s.params) > 0 {
		exec += "(" + strings.Join(s.params, ", ") + ")"
	}
	for range 2 {
		rows, err := conn.Query(ctx, exec, simple)
		if err != nil {
			return p, err
		}
		if p.Lines, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return p, err
		}
	}
	p.Flags, p.Indexes, p.ExecMS = analysePlan(p.Lines, sizes)
	return p, nil
}

// analysePlan flags sequential scans of large tables and filters that
// discard many rows, and lists the indexes used and the execution time.
func analysePlan(lines []string, sizes map[string]int64) (flags, indexes []string, execMS float64) {
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
		if m := reExecTime.FindStringSubmatch(l); m != nil {
			execMS, _ = strconv.ParseFloat(m[1], 64)
		}
	}
	return flags, indexes, execMS
}

func printPlan(w io.Writer, p QueryPlan) {
	idx := "no index"
	if len(p.Indexes) > 0 {
		idx = "indexes " + strings.Join(p.Indexes, ", ")
	}
	fmt.Fprintf(w, "\n── %s — %s plan, %.3f ms, %s\n", p.Name, p.Mode, p.ExecMS, idx)
	params := strings.Join(p.Params, ", ")
	if len(params) > 160 {
		params = params[:160] + "…"
	}
	fmt.Fprintf(w, "   %s\n   params: %s\n", p.SQL, params)
	for _, l := range p.Lines {
		fmt.Fprintf(w, "   │ %s\n", l)
	}
	for _, f := range p.Flags {
		fmt.Fprintf(w, "   ⚑ %s\n", f)
	}
}

// PrefixStat is the name search for one prefix, as admin or as the
// centre: how many candidats it matches and the custom plan PostgreSQL
// chose, with its execution time.
type PrefixStat struct {
	Prefix  string  `json:"prefix"`
	Who     string  `json:"who"`
	Matches int64   `json:"matches"`
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

// prefixScan runs EXPLAIN ANALYZE of the name search, custom plan, for
// every prefix, as admin and as the centre: the p99 of the measured search
// is the tail of these.
func prefixScan(ctx context.Context, conn *pgx.Conn, prefixes []string, centreID string) ([]PrefixStat, error) {
	simple := pgx.QueryExecModeSimpleProtocol
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = force_custom_plan", simple); err != nil {
		return nil, err
	}
	defer conn.Exec(context.Background(), "RESET plan_cache_mode", simple)
	var out []PrefixStat
	for _, p := range prefixes {
		pat := lit(likePattern(p))
		for _, who := range []string{"admin", "centre"} {
			sql, scope, args := sqlNom, "", nomParams(p, "")
			if who == "centre" {
				sql, scope, args = sqlNomCentre, " AND centre_id = "+lit(centreID), nomParams(p, centreID)
			}
			for i := len(args); i >= 1; i-- { // inline the values: one-off custom plans
				sql = strings.ReplaceAll(sql, "$"+strconv.Itoa(i), args[i-1])
			}
			rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE) "+sql, simple)
			if err != nil {
				return nil, err
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return nil, err
			}
			st := PrefixStat{Prefix: p, Who: who}
			plan := strings.Join(lines, "\n")
			st.Plan = planShape(plan)
			_, _, st.ExecMS = analysePlan(lines, nil)
			for _, m := range reRemoved.FindAllStringSubmatch(plan, -1) {
				n, _ := strconv.ParseInt(m[1], 10, 64)
				st.Removed += n
			}
			err = conn.QueryRow(ctx, `SELECT count(*) FROM candidats WHERE archive_at IS NULL AND (lower(nom_naissance) LIKE `+pat+
				` ESCAPE '\' OR lower(nom_usage) LIKE `+pat+` ESCAPE '\')`+scope, simple).Scan(&st.Matches)
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// printPrefixStats summarises the name search per plan shape and lists the
// slowest prefixes.
func printPrefixStats(w io.Writer, stats []PrefixStat) {
	fmt.Fprintf(w, "\nname search, prefix by prefix (EXPLAIN ANALYZE, custom plans, warm cache): %d searches\n", len(stats))
	type agg struct {
		n          int
		ms         []float64
		minM, maxM int64
		worst      PrefixStat
	}
	by := map[string]*agg{}
	for _, s := range stats {
		a := by[s.Who+" · "+s.Plan]
		if a == nil {
			a = &agg{minM: s.Matches}
			by[s.Who+" · "+s.Plan] = a
		}
		a.n++
		a.ms = append(a.ms, s.ExecMS)
		a.minM, a.maxM = min(a.minM, s.Matches), max(a.maxM, s.Matches)
		if s.ExecMS >= a.worst.ExecMS {
			a.worst = s
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHO · PLAN\tPREFIXES\tMATCHES\tEXEC P50\tEXEC MAX\tSLOWEST")
	for _, k := range keys {
		a := by[k]
		slices.Sort(a.ms)
		fmt.Fprintf(tw, "%s\t%d\t%d–%d\t%.2f ms\t%.2f ms\t%s (%d matches, %d rows filtered out)\n", k, a.n, a.minM, a.maxM,
			a.ms[len(a.ms)/2], a.ms[len(a.ms)-1], a.worst.Prefix, a.worst.Matches, a.worst.Removed)
	}
	tw.Flush()
	sorted := slices.Clone(stats)
	slices.SortFunc(sorted, func(a, b PrefixStat) int { return cmp.Compare(b.ExecMS, a.ExecMS) })
	fmt.Fprintln(w, "slowest:")
	for _, s := range sorted[:min(8, len(sorted))] {
		fmt.Fprintf(w, "   nom=%s as %s: %.2f ms, %s, %d matches, %d rows filtered out\n", s.Prefix, s.Who, s.ExecMS, s.Plan, s.Matches, s.Removed)
	}
}
