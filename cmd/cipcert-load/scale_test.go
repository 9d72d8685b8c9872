package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/rules"
	"github.com/cipcert/cipcert/certification/search"
)

func TestUUID7(t *testing.T) {
	ms := time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC).UnixMilli()
	var prev string
	for i, c := range []struct{ r1, r2 uint64 }{
		{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}, {1 << 63, 42},
	} {
		s := uuid7(ms+int64(i), c.r1, c.r2)
		u, err := uuid.Parse(s)
		if err != nil {
			t.Fatalf("uuid7 = %q: %v", s, err)
		}
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Errorf("%s: version %d, variant %v; want 7, RFC 4122", s, u.Version(), u.Variant())
		}
		if sec, nsec := u.Time().UnixTime(); sec*1000+nsec/1e6 != ms+int64(i) {
			t.Errorf("%s: time %d ms, want %d", s, sec*1000+nsec/1e6, ms+int64(i))
		}
		if s <= prev {
			t.Errorf("%s does not sort after %s though its instant is later", s, prev)
		}
		prev = s
	}
	if a, b := uuid7(ms, 1, 1<<63), uuid7(ms, 1, 1<<62); a == b {
		t.Errorf("different random bits gave the same id %s", a)
	}
}

func TestNameTables(t *testing.T) {
	for name, table := range map[string][]string{"noms": noms, "prenoms": prenoms, "villes": villes,
		"motifs": motifs, "observations": observations} {
		seen := map[string]bool{}
		for _, s := range table {
			if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Errorf("%s: %q is empty, padded or not valid text", name, s)
			}
			if seen[s] {
				t.Errorf("%s: %q twice", name, s)
			}
			seen[s] = true
		}
	}
	prefixes, accented := map[string]bool{}, 0
	for _, n := range noms {
		p := namePrefix(n, 3)
		prefixes[p] = true
		if strings.IndexFunc(p, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			accented++
		}
	}
	// Uniform draws over these keep a 3-letter search to well under 1 % of
	// the candidats on average.
	if len(prefixes) < 200 || accented < 20 {
		t.Errorf("%d distinct 3-letter prefixes, %d with accents; want at least 200 and 20", len(prefixes), accented)
	}
	if namePrefix("Éluard", 3) != "élu" || namePrefix("Lê", 3) != "lê" {
		t.Errorf("namePrefix: %q, %q", namePrefix("Éluard", 3), namePrefix("Lê", 3))
	}
	for _, s := range slices.Concat(noms, prenoms) {
		f := asciiFold(s)
		if f == "" || strings.Trim(f, "abcdefghijklmnopqrstuvwxyz") != "" || strings.Contains(f, "x") && !strings.ContainsAny(strings.ToLower(s), "x") {
			t.Errorf("asciiFold(%q) = %q: a letter is missing from foldTable", s, f)
		}
	}
	if got := asciiFold("Guivarc'h Łukasiewicz-Nguyễn"); got != "guivarchlukasiewicznguyen" {
		t.Errorf("asciiFold = %q", got)
	}
	for _, m := range motifs {
		if !motifsJSONSafe(m) {
			t.Errorf("motif %q needs JSON escaping: the explication templates insert it verbatim", m)
		}
	}
}

func TestExplicationTemplates(t *testing.T) {
	debut, fin := time.Date(2023, 3, 23, 0, 0, 0, 0, time.UTC), time.Date(2028, 3, 22, 0, 0, 0, 0, time.UTC)
	tpl, err := explicationTemplates(debut, fin, []string{"CCP1", "CCP2", "CCP3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl) != 3*5 {
		t.Fatalf("%d templates, want 15", len(tpl))
	}
	for i, s := range tpl {
		variant := i % 5
		if strings.Contains(s, "2024") || strings.Contains(s, "29/02") {
			t.Errorf("template %d still holds the sentinel date: %s", i, s)
		}
		filled := strings.NewReplacer(phSession, "019aa7c8-0000-7000-8000-000000000001", phVersion, "v",
			phDateISO, "2025-06-13", phDateFR, "13/06/2025", phMotif(1), motifs[0], phMotif(2), motifs[1], phMotif(3), motifs[2]).Replace(s)
		var r rules.Resultat
		if err := json.Unmarshal([]byte(filled), &r); err != nil {
			t.Fatalf("template %d is not a Resultat once filled: %v\n%s", i, err, filled)
		}
		want := map[int]rules.Issue{0: rules.IssueTitre, 1: rules.IssuePartiel, 2: rules.IssuePartiel, 3: rules.IssuePartiel, 4: rules.IssueEchec}[variant]
		if r.Issue != want {
			t.Errorf("template %d: issue %s, want %s", i, r.Issue, want)
		}
		if variant >= 1 && variant <= 3 {
			if !slices.Equal(r.CCPManquants, []string{"CCP" + string(rune('0'+variant))}) || r.DateLimite == nil || !r.DateLimite.Equal(fin) {
				t.Errorf("template %d: manquants %v, date limite %v", i, r.CCPManquants, r.DateLimite)
			}
			if !strings.Contains(s, phMotif(variant)) {
				t.Errorf("template %d does not cite the motifs of CCP%d", i, variant)
			}
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("10k:50k, 1M:5M,2000")
	want := []scaleSize{{10000, 50000}, {1000000, 5000000}, {2000, 10000}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("parseSizes = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", "x", "10k:y", "0", "10:100000"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted", bad)
		}
	}
}

func TestPlanFlags(t *testing.T) {
	flags, idx := analysePlan([]string{
		"Limit  (cost=0.29..96.51 rows=10 width=277) (actual time=0.389..9.283 rows=22 loops=1)",
		"  ->  Index Scan using candidats_pkey on candidats c  (cost=0.29..943.26 rows=98 width=277)",
		"        Rows Removed by Filter: 99982",
		"  ->  Seq Scan on evaluations e  (cost=0.00..1.00 rows=1 width=1)",
		"  ->  Seq Scan on blocs b  (cost=0.00..1.00 rows=1 width=1)",
	}, map[string]int64{"evaluations": 5_000_000, "blocs": 3})
	if len(flags) != 2 || !strings.Contains(flags[0], "99982") || !strings.Contains(flags[1], "evaluations") ||
		!slices.Equal(idx, []string{"candidats_pkey"}) {
		t.Errorf("analysePlan = %q, %q", flags, idx)
	}
}

// serverLog is PostgreSQL's stderr as Debian's log_line_prefix writes it:
// auto_explain entries of the bench's database and of another one, other
// messages, an entry whose continuation lines come before its header was
// read (the start of a read), and a query text on two lines.
const serverLog = "\t  ->  Seq Scan on x  (cost=0.00..1.00 rows=1 width=1)\n" +
	"2026-12-03 13:25:16.309 UTC [12499] postgres@cipcert_load_ab12 LOG:  duration: 0.088 ms  plan:\n" +
	"\tQuery Text: SELECT c.* FROM candidats AS c WHERE c.archive_at IS NULL ORDER BY c.id LIMIT $1\n" +
	"\tLimit  (cost=0.29..10.31 rows=51 width=277) (actual time=0.012..0.070 rows=51 loops=1)\n" +
	"\t  Buffers: shared hit=14\n" +
	"\t  ->  Index Scan using candidats_pkey on candidats c  (cost=0.29..1965.29 rows=10000 width=277)\n" +
	"2026-12-03 13:25:16.310 UTC [12500] postgres@other_db LOG:  duration: 5.000 ms  plan:\n" +
	"\tQuery Text: SELECT 1\n" +
	"\tResult  (cost=0.00..0.01 rows=1 width=4)\n" +
	"2026-12-03 13:25:16.311 UTC [2220] LOG:  checkpoint starting: time\n" +
	"\tnot a plan line\n" +
	"2026-12-03 13:25:16.312 UTC [12499] postgres@cipcert_load_ab12 LOG:  duration: 1.250 ms  plan:\n" +
	"\tQuery Text: SELECT id, code FROM \"titres\"\n" +
	"\t\t  WHERE id IN ($1)\n" +
	"\tSeq Scan on titres  (cost=0.00..1.01 rows=1 width=64) (actual time=0.005..0.006 rows=1 loops=1)\n"

func TestParsePlans(t *testing.T) {
	got := parsePlans([]byte(serverLog), "cipcert_load_ab12")
	if len(got) != 2 {
		t.Fatalf("%d plans, want 2: %+v", len(got), got)
	}
	if p := got[0]; p.ExecMS != 0.088 || !strings.HasPrefix(p.SQL, "SELECT c.* FROM candidats") || len(p.Lines) != 3 ||
		!strings.Contains(p.Lines[2], "candidats_pkey") {
		t.Errorf("first plan = %+v", p)
	}
	if p := got[1]; p.ExecMS != 1.25 || p.SQL != `SELECT id, code FROM "titres" WHERE id IN ($1)` || len(p.Lines) != 1 {
		t.Errorf("second plan = %+v", p)
	}
	if got := parsePlans([]byte(serverLog), "cipcert_load_ab"); len(got) != 0 {
		t.Errorf("a database whose name is a prefix of ours got %d plans", len(got))
	}
}

// TestGenerate fills a seeded PostgreSQL schema with a small data set and
// checks that it holds together: counts, UUIDv7 ids in registration order,
// outcomes the application reads back (the parcours of a candidat, the
// name search), and that the SQL UUIDv7 is the Go one.
func TestGenerate(t *testing.T) {
	if !slices.Contains(certtest.Dialects(t), "postgres") {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	db := certtest.Open(t, "postgres")
	svc := certtest.NewService(t, db)
	certtest.Seed(t, svc)
	conn, err := pgx.Connect(ctx, db.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	var fromSQL string
	if err := conn.QueryRow(ctx, "SELECT "+uuid7SQL("1709209800000::bigint", "(-81985529216486896)::bigint", "(42)::bigint")).Scan(&fromSQL); err != nil {
		t.Fatal(err)
	}
	if want := uuid7(1709209800000, uint64(0xfedcba9876543210), 42); fromSQL != want {
		t.Errorf("uuid7SQL = %s, uuid7 = %s", fromSQL, want)
	}

	rep, err := generate(ctx, conn, genConfig{candidats: 600, resultats: 3000, seed: 7, parSession: 50})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Candidats != 600 || rep.Inscriptions != 1000 || rep.Resultats != 3000 || rep.Sessions < 20 {
		t.Errorf("generated %+v", rep)
	}
	var ids []string
	rows, err := conn.Query(ctx, `SELECT id FROM candidats WHERE email LIKE '%@example.fr' AND created_at < '2026-01-01' ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 600 || !slices.IsSorted(ids) {
		t.Errorf("%d generated candidats, in registration order: %v", len(ids), slices.IsSorted(ids))
	}
	for _, table := range []string{"candidats", "candidat_ecf", "sessions", "inscriptions", "evaluations"} {
		var bad int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'`).Scan(&bad); err != nil || bad > 0 {
			t.Errorf("%s: %d ids are not UUIDv7 (%v)", table, bad, err)
		}
	}
	var statuts []string
	rows, _ = conn.Query(ctx, `SELECT DISTINCT statut FROM sessions WHERE reference LIKE 'S-202%' AND length(reference) = 19 ORDER BY 1`)
	if statuts, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || !slices.Equal(statuts, []string{"tenue", "validee"}) {
		t.Errorf("generated session statuses %v (%v), want tenue and validee", statuts, err)
	}

	// The statistics summary counts every deliberated candidat generated.
	var counted, summed int64
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM inscriptions WHERE issue IS NOT NULL AND retiree_at IS NULL),
		(SELECT COALESCE(sum(candidats), 0) FROM statistiques_sessions)`).Scan(&counted, &summed); err != nil {
		t.Fatal(err)
	}
	if counted == 0 || summed != counted {
		t.Errorf("statistics summary counts %d candidats, the enrolments %d deliberated", summed, counted)
	}

	// The application reads what was generated.
	var cand string
	if err := conn.QueryRow(ctx, `SELECT i.candidat_id FROM inscriptions i JOIN sessions s ON s.id = i.session_id
		WHERE s.statut = 'validee' AND i.issue = 'partiel' ORDER BY i.id LIMIT 1`).Scan(&cand); err != nil {
		t.Fatal(err)
	}
	admin := certification.Acteur{Role: certification.RoleAdmin}
	d, err := svc.Parcours(ctx, admin, cand)
	if err != nil {
		t.Fatalf("Parcours of a generated candidat: %v", err)
	}
	if len(d.Passages) == 0 || d.Situation == nil || d.Passages[0].Resultat == nil || d.Passages[0].Resultat.Issue != rules.IssuePartiel {
		t.Errorf("Parcours: %d passages, situation %v", len(d.Passages), d.Situation)
	}
	for _, p := range d.Passages {
		if p.Resultat != nil && p.Resultat.Explication[0].Detail == "" {
			t.Errorf("empty explanation in %+v", p.Resultat)
		}
	}
	page, err := svc.Candidats(ctx, admin, certification.FiltreCandidats{Nom: namePrefix(noms[0], 3)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Candidats {
		want := search.Key(namePrefix(noms[0], 3))
		if !strings.HasPrefix(search.Key(c.NomNaissance), want) && !strings.HasPrefix(search.Key(c.NomUsage), want) {
			t.Errorf("nom=%s found %s / %s", namePrefix(noms[0], 3), c.NomNaissance, c.NomUsage)
		}
	}
}

// TestPlanShape names each branch of the name search from EXPLAIN lines as
// PostgreSQL prints them.
func TestPlanShape(t *testing.T) {
	for _, c := range []struct{ plan, want string }{
		{`->  Index Scan using candidats_pkey on candidats c_1  (cost=0.29..868.23 rows=135 width=37)
   ->  Bitmap Heap Scan on candidats c_2  (cost=4.90..161.69 rows=30 width=37)
         ->  Bitmap Index Scan on candidats_nom_usage_page_idx  (cost=0.00..4.90 rows=61 width=0)
->  Index Scan using candidats_pkey on candidats c  (cost=0.29..7.05 rows=1 width=278)`, "naissance id walk, usage bitmap"},
		{`->  Index Only Scan using candidats_nom_naissance_page_idx on candidats c_1  (cost=0.42..893.52 rows=9636 width=37)
->  Index Only Scan using candidats_nom_usage_page_idx on candidats c_2  (cost=0.42..134.60 rows=1526 width=37)`, "naissance index-only, usage index-only"},
		{`->  Seq Scan on candidats c_1
->  Index Scan using candidats_centre_idx on candidats c_2  (cost=1)`, "naissance seq scan, usage id walk"},
	} {
		if got := planShape(c.plan); got != c.want {
			t.Errorf("planShape = %q, want %q", got, c.want)
		}
	}
}

// TestScaleTargets: the p99 goal holds for each case up to the target's
// client count, with no error; heavier runs are not held to it.
func TestScaleTargets(t *testing.T) {
	runs := []Run{
		{Phase: caseAdminFirst, Clients: 1, Requests: 10, P99: 3},
		{Phase: caseAdminFirst, Clients: 8, Requests: 10, P99: 20},
		{Phase: caseAdminFirst, Clients: 32, Requests: 10, P99: 90},
		{Phase: caseParcours, Clients: 8, Requests: 10, P99: 20.1},
		{Phase: caseNomCentre, Clients: 8, Requests: 10, P99: 5, Errors: 1},
		{Phase: caseVAE, Clients: 8},
	}
	got := scaleTargets(runs, 20, 8)
	want := []Target{
		{Case: caseAdminFirst, Clients: 1, Met: true},
		{Case: caseAdminFirst, Clients: 8, Met: true},
		{Case: caseParcours, Clients: 8, Met: false},
		{Case: caseNomCentre, Clients: 8, Met: false},
		{Case: caseVAE, Clients: 8, Met: false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Case != w.Case || g.Clients != w.Clients || g.Met != w.Met || !strings.Contains(g.Goal, "p99 ≤ 20 ms") {
			t.Errorf("target %d: %+v, want %+v", i, g, w)
		}
	}
}
