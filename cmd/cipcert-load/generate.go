package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cipcert/cipcert/certification"
)

// `cipcert-load generate` fills a migrated and seeded cipcert PostgreSQL
// database with a large, coherent data set, in set-based SQL: every row is
// computed by INSERT … SELECT … FROM generate_series from a deterministic
// hash of its number and the run's seed (hashint8extended), so that a row's
// id can be recomputed wherever a foreign key needs it, with no join on
// random values. Ids are UUIDv7 strings whose 48-bit timestamp is the row's
// creation instant, so that id order is registration order, as keyset
// pagination expects.
//
// The data: candidats registered from April 2023 to September 2025, spread
// over the two demo centres and the four parcours, with their ECF and CCP
// antérieurs; sessions titre of about 50 candidats of one centre, held 200
// days after the last registration of their candidats (then every 120 days
// for those who sit again), with their CCP and the two demo jury members;
// inscriptions with their CCP and 3 evaluations each. The 10 % most recent
// sessions are tenue (results recorded, not deliberated), the others
// validee with each inscription's issue, explication (the rule engine's own
// Resultat, see explicationTemplates) and notification date. A candidat
// with a further passage had a partial success; the last passage ends 80 %
// titre, 17 % partiel, 3 % échec. Ids and session references are unique,
// emails within one run.
// Every CHECK and foreign key holds: the rows go through the constraints,
// none is disabled.

// genConfig is the command line of `cipcert-load generate`.
type genConfig struct {
	pg         string
	candidats  int
	resultats  int
	seed       int64
	parSession int
	vacuum     bool
}

func parseGenFlags(args []string) (genConfig, error) {
	var c genConfig
	fs := flag.NewFlagSet("cipcert-load generate", flag.ContinueOnError)
	fs.StringVar(&c.pg, "pg", "", "URL of a migrated, seeded cipcert PostgreSQL database (loopback only)")
	fs.IntVar(&c.candidats, "candidats", 10000, "candidats to add")
	fs.IntVar(&c.resultats, "resultats", 0, "evaluation results to add, 3 per inscription (default 5 per candidat)")
	fs.Int64Var(&c.seed, "seed", 0, "seed of every choice, for a reproducible data set (default random)")
	fs.IntVar(&c.parSession, "par-session", 50, "candidats per session")
	fs.BoolVar(&c.vacuum, "vacuum", true, "VACUUM (ANALYZE) the tables afterwards instead of ANALYZE alone, as a steady-state database is")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.resultats == 0 {
		c.resultats = 5 * c.candidats
	}
	if c.seed == 0 {
		c.seed = rand.Int64N(1<<40) + 1
	}
	switch {
	case c.pg == "":
		return c, errors.New("-pg is required: the URL of the cipcert database to fill")
	case c.candidats < 1 || c.candidats > 50_000_000:
		return c, errors.New("-candidats must be between 1 and 50 000 000")
	case c.resultats < 0 || c.resultats > 3*maxRounds*c.candidats:
		return c, fmt.Errorf("-resultats must be between 0 and %d × -candidats", 3*maxRounds)
	case c.parSession < 1:
		return c, errors.New("-par-session must be positive")
	}
	return c, loopbackOnly(c.pg)
}

func generateCmd(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseGenFlags(args)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, cfg.pg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	rep, err := generate(ctx, conn, cfg)
	if err != nil {
		return err
	}
	printGenReport(stdout, rep)
	return nil
}

// GenReport is what a generation wrote and how long each table took.
type GenReport struct {
	Seed         int64     `json:"seed"`
	Candidats    int64     `json:"candidats"`
	Sessions     int64     `json:"sessions"`
	Inscriptions int64     `json:"inscriptions"`
	Resultats    int64     `json:"resultats"`
	Steps        []GenStep `json:"steps"`
	Seconds      float64   `json:"seconds"`
	DBSize       int64     `json:"database_bytes"`
}

// GenStep is one statement of the generation: a table filled, a plan
// computed into a temporary table, or the final VACUUM/ANALYZE.
type GenStep struct {
	Table   string  `json:"table"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
}

// RowsPerSecond is the step's throughput.
func (s GenStep) RowsPerSecond() float64 {
	if s.Seconds <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Seconds
}

func printGenReport(w io.Writer, r *GenReport) {
	fmt.Fprintf(w, "cipcert-load generate — seed %d: %d candidats, %d sessions, %d inscriptions, %d résultats in %.1f s; database now %s\n",
		r.Seed, r.Candidats, r.Sessions, r.Inscriptions, r.Resultats, r.Seconds, humanBytes(r.DBSize))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TABLE\tROWS\tSECONDS\tROWS/S\t")
	for _, s := range r.Steps {
		rate := "-"
		if s.Rows > 0 {
			rate = fmt.Sprintf("%.0f", s.RowsPerSecond())
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t\n", s.Table, s.Rows, s.Seconds, rate)
	}
	tw.Flush()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kiB", n>>10)
}

// The fixed timeline of the generated data (the demo's titre version runs
// from 2023-03-23 to 2028-03-22).
var (
	registrationStart = time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
	registrationEnd   = time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	// lastSession is the latest first day of a generated session, so that
	// every session is held and validated in the past.
	lastSession = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
)

// maxRounds bounds the passages of one candidat (the key of an inscription
// is n×64 + round).
const maxRounds = 60

// refs are the rows of the seeded database the generated ones point at.
type refs struct {
	titreID, versionID string
	versionDebut       time.Time
	versionFin         time.Time
	blocCodes, blocIDs []string // the version's CCP, by rang
	centreIDs          []string // Avenir (Lyon), Horizons (Nantes)
	lieux, depts       []string
	ddets              []string
	responsables       []string
	membres            []string // jury_membres of jury1 and jury2
	jurys              []string // their utilisateurs
	dreets             string
}

// demoSirets are the demo centres, in the order of refs.centreIDs.
var demoSirets = []string{"81234567800013", "44157812300016"}

func loadRefs(ctx context.Context, q pgx.Tx) (*refs, error) {
	r := &refs{}
	err := q.QueryRow(ctx, `SELECT t.id, v.id, v.debut, v.fin FROM titres t JOIN titre_versions v ON v.titre_id = t.id
		WHERE t.code = 'TP-00403' AND v.code = 'TP-00403-2023'`).Scan(&r.titreID, &r.versionID, &r.versionDebut, &r.versionFin)
	if err != nil {
		return nil, fmt.Errorf("titre TP-00403, version TP-00403-2023 (is the référentiel seeded?): %w", err)
	}
	rows, err := q.Query(ctx, `SELECT code, id FROM blocs WHERE version_id = $1 AND nature = 'ccp' ORDER BY rang`, r.versionID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code, id string
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		r.blocCodes, r.blocIDs = append(r.blocCodes, code), append(r.blocIDs, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(r.blocIDs) != 3 {
		return nil, fmt.Errorf("version TP-00403-2023 has %d CCP, the generator expects 3", len(r.blocIDs))
	}
	ddets := map[string]string{"69": "DDETS du Rhône", "44": "DDETS de Loire-Atlantique"}
	responsables := map[string]string{"69": "Sophie Garnier", "44": "Yann Le Bihan"}
	for _, siret := range demoSirets {
		var id, nom, adresse, cp, ville string
		if err := q.QueryRow(ctx, `SELECT id, nom, adresse, code_postal, ville FROM centres WHERE siret = $1`, siret).
			Scan(&id, &nom, &adresse, &cp, &ville); err != nil {
			return nil, fmt.Errorf("demo centre %s (is the demo data seeded?): %w", siret, err)
		}
		dept := cp[:min(2, len(cp))]
		r.centreIDs = append(r.centreIDs, id)
		r.lieux = append(r.lieux, nom+", "+adresse+", "+ville)
		r.depts = append(r.depts, dept)
		r.ddets = append(r.ddets, cmpOr(ddets[dept], "DDETS "+ville))
		r.responsables = append(r.responsables, cmpOr(responsables[dept], "Camille Durand"))
	}
	if err := q.QueryRow(ctx, `SELECT id FROM utilisateurs WHERE identifiant = 'dreets'`).Scan(&r.dreets); err != nil {
		return nil, fmt.Errorf("demo account dreets: %w", err)
	}
	for _, acc := range []string{"jury1", "jury2"} {
		var uid, nom string
		if err := q.QueryRow(ctx, `SELECT id, nom FROM utilisateurs WHERE identifiant = $1`, acc).Scan(&uid, &nom); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", acc, err)
		}
		var mid string
		err := q.QueryRow(ctx, `SELECT id FROM jury_membres WHERE utilisateur_id = $1`, uid).Scan(&mid)
		if errors.Is(err, pgx.ErrNoRows) {
			// Seeded without sessions: the member the autorité would have recorded.
			prenoms, nomFamille, _ := strings.Cut(nom, " ")
			mid = uuid7(time.Now().UnixMilli(), rand.Uint64(), rand.Uint64())
			_, err = q.Exec(ctx, `INSERT INTO jury_membres (id, utilisateur_id, nom, prenoms, email, created_at)
				VALUES ($1, $2, $3, $4, $5, now() AT TIME ZONE 'UTC')`, mid, uid, cmpOr(nomFamille, nom), prenoms, acc+"@example.fr")
		}
		if err != nil {
			return nil, fmt.Errorf("jury member of %s: %w", acc, err)
		}
		r.membres, r.jurys = append(r.membres, mid), append(r.jurys, uid)
	}
	return r, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// generate adds cfg.candidats candidats and about cfg.resultats results to
// the database, in one transaction, then vacuums or analyzes.
func generate(ctx context.Context, conn *pgx.Conn, cfg genConfig) (*GenReport, error) {
	start := time.Now()
	rep := &GenReport{Seed: cfg.seed}
	// Temporary tables hold the plan; they need local buffers before the
	// session first touches one.
	if _, err := conn.Exec(ctx, `SET temp_buffers = '256MB'`); err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.Background())
	for _, s := range []string{`SET LOCAL synchronous_commit = off`, `SET LOCAL work_mem = '256MB'`} {
		if _, err := tx.Exec(ctx, s); err != nil {
			return nil, err
		}
	}
	ref, err := loadRefs(ctx, tx)
	if err != nil {
		return nil, err
	}
	tpl, err := explicationTemplates(ref.versionDebut, ref.versionFin, ref.blocCodes)
	if err != nil {
		return nil, fmt.Errorf("explication templates: %w", err)
	}
	g := &sqlGen{seed: cfg.seed}
	exec := func(table, sql string, args ...any) (int64, error) {
		t := time.Now()
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", table, err)
		}
		st := GenStep{Table: table, Rows: tag.RowsAffected(), Seconds: time.Since(t).Seconds()}
		rep.Steps = append(rep.Steps, st)
		progress("generate: %-26s %9d rows in %6.2f s", table, st.Rows, st.Seconds)
		return st.Rows, nil
	}
	n := int64(cfg.candidats)
	inscriptions := (int64(cfg.resultats) + 2) / 3
	type stmt struct {
		table, sql string
		args       []any
	}
	steps := []stmt{
		{"habilitations", g.habilitationsSQL(), []any{ref.membres, ref.titreID}},
		{"plan: candidats", g.planCandidatsSQL(n), nil},
		{"candidats", g.candidatsSQL(), []any{ref.centreIDs, ref.titreID, noms, prenoms, foldAll(noms), foldAll(prenoms), villes, ref.depts, ref.ddets, searchKeys(noms)}},
		{"candidat_ecf", g.ecfSQL(), []any{ref.blocIDs, observations}},
		{"candidat_ccp_anterieurs", g.anterieursSQL(), []any{ref.blocIDs[0], []string{"LYON", "NANTES", "GRENOBLE", "RENNES", "DIJON", "TOURS", "LILLE"}}},
		{"plan: eligible candidats", g.planEligiblesSQL(), nil},
	}
	for _, s := range steps {
		if _, err := exec(s.table, s.sql, s.args...); err != nil {
			return nil, err
		}
	}
	rep.Candidats = n
	eligible := rep.Steps[len(rep.Steps)-1].Rows
	rounds := int64(0)
	if eligible > 0 {
		rounds = (inscriptions + eligible - 1) / eligible
	}
	steps = []stmt{
		{"plan: inscriptions", g.planInscriptionsSQL(inscriptions, eligible, rounds, int64(cfg.parSession)), nil},
		{"plan: sessions", g.planSessionsSQL(), nil},
		{"sessions", g.sessionsSQL(), []any{ref.centreIDs, ref.versionID, ref.lieux, ref.responsables, ref.dreets}},
		{"session_blocs", g.sessionBlocsSQL(), []any{ref.blocIDs}},
		{"session_jury", g.sessionJurySQL(), []any{ref.membres}},
		{"plan: outcomes", g.planOutcomesSQL(), nil},
		{"inscriptions", g.inscriptionsSQL(), []any{tpl, ref.versionID, motifs, ref.versionFin}},
		{"inscription_blocs", g.inscriptionBlocsSQL(), []any{ref.blocIDs}},
		{"evaluations", g.evaluationsSQL(), []any{ref.blocIDs, motifs, ref.jurys}},
	}
	// The rows went in around the service: the statistics summary it keeps
	// is built from them, in the same transaction.
	for k, q := range certification.RecompterStatistiquesSQL {
		steps = append(steps, stmt{fmt.Sprintf("statistics summary %d", k+1), q, nil})
	}
	counts := map[string]*int64{"sessions": &rep.Sessions, "inscriptions": &rep.Inscriptions, "evaluations": &rep.Resultats}
	for _, s := range steps {
		rows, err := exec(s.table, s.sql, s.args...)
		if err != nil {
			return nil, err
		}
		if p := counts[s.table]; p != nil {
			*p = rows
		}
	}
	t := time.Now()
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	rep.Steps = append(rep.Steps, GenStep{Table: "commit", Seconds: time.Since(t).Seconds()})

	t = time.Now()
	verb := "ANALYZE"
	if cfg.vacuum {
		verb = "VACUUM (ANALYZE)"
	}
	tables := []string{"candidats", "candidat_ecf", "candidat_ccp_anterieurs", "habilitations", "jury_membres", "sessions",
		"session_blocs", "session_jury", "inscriptions", "inscription_blocs", "evaluations", "statistiques_sessions", "statistiques_ccp"}
	if _, err := conn.Exec(ctx, verb+" "+strings.Join(tables, ", ")); err != nil {
		return nil, fmt.Errorf("%s: %w", verb, err)
	}
	rep.Steps = append(rep.Steps, GenStep{Table: strings.ToLower(verb), Seconds: time.Since(t).Seconds()})
	progress("generate: %-26s in %6.2f s", strings.ToLower(verb), time.Since(t).Seconds())
	rep.Seconds = time.Since(start).Seconds()
	if err := conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&rep.DBSize); err != nil {
		return nil, err
	}
	return rep, nil
}

// uuid7 is a UUIDv7 string: ms the Unix time in milliseconds (48 bits),
// then the version 7, 12 bits of r1, the RFC 4122 variant with 2 bits of
// r1, 12 more bits of r1 and 48 bits of r2. It is what uuid7SQL computes
// in PostgreSQL, r1 and r2 being the bigint hashes seen as unsigned.
func uuid7(ms int64, r1, r2 uint64) string {
	m := fmt.Sprintf("%012x", uint64(ms)&(1<<48-1))
	a := fmt.Sprintf("%016x", r1)
	b := fmt.Sprintf("%016x", r2)
	variant := "89ab89ab89ab89ab"[strings.IndexByte("0123456789abcdef", a[3])]
	return m[:8] + "-" + m[8:12] + "-7" + a[:3] + "-" + string(variant) + a[4:7] + "-" + b[:12]
}

// uuid7SQL is the SQL expression of uuid7 for SQL expressions of ms, r1 and
// r2 (bigint). to_hex of a negative bigint is its two's complement, as
// %016x of the same bits read unsigned.
func uuid7SQL(ms, r1, r2 string) string {
	m := fmt.Sprintf("lpad(to_hex(%s), 12, '0')", ms)
	a := fmt.Sprintf("lpad(to_hex(%s), 16, '0')", r1)
	b := fmt.Sprintf("lpad(to_hex(%s), 16, '0')", r2)
	return fmt.Sprintf("(substr(%[1]s, 1, 8) || '-' || substr(%[1]s, 9, 4) || '-7' || substr(%[2]s, 1, 3) || '-' || "+
		"translate(substr(%[2]s, 4, 1), '0123456789abcdef', '89ab89ab89ab89ab') || substr(%[2]s, 5, 3) || '-' || substr(%[3]s, 1, 12))",
		m, a, b)
}

// sqlGen writes the generator's SQL for one seed.
type sqlGen struct{ seed int64 }

// The purposes of the pseudo-random draws: each has its own hash seed, so
// that no two choices about a row are correlated.
const (
	pCandMs = iota + 1
	pCandID1
	pCandID2
	pCentre
	pParcours
	pFormDebut
	pFormDuree
	pNom
	pNom2
	pUsage
	pPrenom
	pPrenom2
	pGenre
	pDeux
	pNaissance
	pVille
	pVaeNotif
	pVaeMois
	pVaeType
	pMois
	pArchive
	pEcfID1
	pEcfID2
	pObs
	pObsText
	pAntID1
	pAntID2
	pAntDate
	pAntVille
	pAntNum
	pRho
	pSessMs
	pSessID1
	pSessID2
	pKind
	pMissing
	pMotif1
	pMotif2
	pMotif3
	pInsMs
	pInsID1
	pInsID2
	pEvalMs
	pEvalID1
	pEvalID2
	pHabID1
	pHabID2
)

// hash is a deterministic pseudo-random bigint of key for one purpose.
func (g *sqlGen) hash(key string, purpose int) string {
	return fmt.Sprintf("hashint8extended(%s, %d)", key, g.seed*64+int64(purpose))
}

// rnd is a deterministic pseudo-random integer in [0, mod): an integer
// (which date arithmetic needs) when it fits, else a bigint.
func (g *sqlGen) rnd(key string, purpose int, mod int64) string {
	s := fmt.Sprintf("((%s & 9223372036854775807) %% %d)", g.hash(key, purpose), mod)
	if mod <= 1<<31 {
		s += "::int"
	}
	return s
}

func (g *sqlGen) uuid(ms, key string, p1, p2 int) string {
	return uuid7SQL(ms, g.hash(key, p1), g.hash(key, p2))
}

// tsSQL is the TIMESTAMP (UTC, as the application writes) of ms.
func tsSQL(ms string) string {
	return fmt.Sprintf("(timestamp '1970-01-01' + (%s) * interval '1 millisecond')", ms)
}

// msSQL is the Unix time in milliseconds of a TIMESTAMP expression.
func msSQL(ts string) string { return fmt.Sprintf("(extract(epoch FROM %s) * 1000)::bigint", ts) }

func (g *sqlGen) habilitationsSQL() string {
	// The demo habilitations start in 2026: the generated sessions of
	// 2023–2025 need their members habilitated then too.
	at := "timestamp '2022-12-01 09:00'"
	return fmt.Sprintf(`INSERT INTO habilitations (id, membre_id, titre_id, debut, fin, reference, created_at)
SELECT %s, m, $2, date '2023-01-01', date '2025-12-31', 'DREETS-HAB-2023-GEN-' || k, %s
FROM unnest($1::text[]) WITH ORDINALITY AS t (m, k)
WHERE NOT EXISTS (SELECT 1 FROM habilitations h WHERE h.membre_id = t.m AND h.debut <= date '2023-01-01')`,
		g.uuid(msSQL(at)+" + k", "k", pHabID1, pHabID2), at)
}

// planCandidatsSQL draws, for n = 0..count-1, each candidat's id, instant
// of registration, centre, parcours and training.
func (g *sqlGen) planCandidatsSQL(count int64) string {
	start, end := registrationStart.UnixMilli(), registrationEnd.UnixMilli()
	step := float64(end-start) / float64(count)
	jitter := max(1, int64(step/2))
	return fmt.Sprintf(`CREATE TEMP TABLE gc ON COMMIT DROP AS
SELECT c.*, c.fdebut + 180 + %[1]s AS ffin
FROM (
	SELECT b.*, %[2]s AS created, %[3]s AS id,
		CASE WHEN parcours IN ('formation', 'capitalisation') THEN (%[2]s)::date + 7 + %[4]s END AS fdebut
	FROM (
		SELECT n, %[5]d + (n * %[6]g::float8)::bigint + %[7]s AS ms, %[8]s::int AS cx,
			CASE WHEN p < 55 THEN 'formation' WHEN p < 80 THEN 'vae' WHEN p < 95 THEN 'capitalisation' ELSE 'ccs' END AS parcours
		FROM (SELECT n, %[9]s AS p FROM generate_series(0::bigint, %[10]d) n) a
	) b
) c`,
		g.rnd("c.n", pFormDuree, 60), tsSQL("b.ms"), g.uuid("b.ms", "b.n", pCandID1, pCandID2), g.rnd("b.n", pFormDebut, 21),
		start, step, g.rnd("n", pCandMs, jitter), g.rnd("n", pCentre, 2), g.rnd("n", pParcours, 100), count-1)
}

func (g *sqlGen) candidatsSQL() string {
	L, V := int64(len(noms)), int64(len(villes))
	F, M := int64(len(prenomsF)), int64(len(prenomsM))
	// $10 holds the noms' search keys (search.Key), which fold a
	// double name piece by piece as it folds the whole.
	return fmt.Sprintf(`INSERT INTO candidats (id, centre_id, titre_id, parcours, nom_naissance, nom_usage,
	nom_naissance_recherche, nom_usage_recherche, prenoms,
	date_naissance, lieu_naissance, email, formation_debut, formation_fin, vae_date_notification, vae_reference, vae_ddets,
	vae_mois_experience, vae_type_session, mois_experience, archive_at, version, created_at, updated_at)
SELECT id, ($1::text[])[cx + 1], $2, parcours,
	($3::text[])[ino],
	CASE u WHEN 0 THEN ($3::text[])[ino2] WHEN 1 THEN ($3::text[])[ino] || '-' || ($3::text[])[ino2] ELSE '' END,
	($10::text[])[ino],
	CASE u WHEN 0 THEN ($10::text[])[ino2] WHEN 1 THEN ($10::text[])[ino] || '-' || ($10::text[])[ino2] ELSE '' END,
	($4::text[])[ip1] || CASE WHEN deux AND ip2 <> ip1 THEN ' ' || ($4::text[])[ip2] ELSE '' END,
	date '1962-01-01' + %[1]s, ($7::text[])[1 + %[2]s],
	($6::text[])[ip1] || '.' || ($5::text[])[ino] || '.' || n || '@example.fr',
	fdebut, ffin,
	CASE WHEN parcours = 'vae' THEN created::date - %[3]s END,
	CASE WHEN parcours = 'vae' THEN 'VAE-' || ($8::text[])[cx + 1] || '-' || to_char(created, 'YYYY') || '-' || lpad((n %% 100000)::text, 5, '0') END,
	CASE WHEN parcours = 'vae' THEN ($9::text[])[cx + 1] END,
	CASE WHEN parcours = 'vae' THEN 12 + %[4]s END,
	CASE WHEN parcours = 'vae' THEN CASE WHEN %[5]s = 0 THEN 'ccp' ELSE 'titre' END END,
	CASE parcours WHEN 'capitalisation' THEN 12 + %[6]s WHEN 'ccs' THEN 24 + %[6]s END,
	CASE WHEN archive THEN created + interval '400 days' END,
	CASE WHEN archive THEN 2 ELSE 1 END,
	created,
	CASE WHEN archive THEN created + interval '400 days' ELSE created END
FROM (
	SELECT g.*, 1 + %[7]s AS ino, 1 + %[8]s AS ino2, %[9]s AS u,
		CASE WHEN f THEN 1 + %[10]s ELSE %[15]d + 1 + %[11]s END AS ip1,
		CASE WHEN f THEN 1 + %[12]s ELSE %[15]d + 1 + %[13]s END AS ip2,
		%[14]s < 3 AS deux, %[16]s = 0 AS archive
	FROM (SELECT g.*, %[17]s = 0 AS f FROM gc g) g
) x`,
		g.rnd("n", pNaissance, 14600), g.rnd("n", pVille, V), g.rnd("n", pVaeNotif, 60), g.rnd("n", pVaeMois, 120),
		g.rnd("n", pVaeType, 10), g.rnd("n", pMois, 100),
		g.rnd("g.n", pNom, L), g.rnd("g.n", pNom2, L), g.rnd("g.n", pUsage, 10),
		g.rnd("g.n", pPrenom, F), g.rnd("g.n", pPrenom, M), g.rnd("g.n", pPrenom2, F), g.rnd("g.n", pPrenom2, M),
		g.rnd("g.n", pDeux, 10), F, g.rnd("g.n", pArchive, 50), g.rnd("g.n", pGenre, 2))
}

func (g *sqlGen) ecfSQL() string {
	key := "(g.n * 4 + j)"
	return fmt.Sprintf(`INSERT INTO candidat_ecf (id, candidat_id, bloc_id, date_evaluation, observations)
SELECT %s, g.id, ($1::text[])[j],
	CASE j WHEN 1 THEN g.fdebut + 60 WHEN 2 THEN g.fdebut + 120 ELSE g.ffin - 14 END,
	CASE WHEN %s = 0 THEN ($2::text[])[1 + %s] ELSE '' END
FROM gc g CROSS JOIN generate_series(1, 3) j
WHERE g.fdebut IS NOT NULL`,
		g.uuid("g.ms + 1000 * j", key, pEcfID1, pEcfID2), g.rnd(key, pObs, 6), g.rnd(key, pObsText, int64(len(observations))))
}

func (g *sqlGen) anterieursSQL() string {
	return fmt.Sprintf(`INSERT INTO candidat_ccp_anterieurs (id, candidat_id, bloc_id, date_obtention, session_reference)
SELECT id, candidat_id, $1, obtenu,
	'S-' || to_char(obtenu, 'YYYY') || '-' || ($2::text[])[ville] || '-' || lpad(num::text, 2, '0')
FROM (
	SELECT %s AS id, g.id AS candidat_id, g.created::date - 60 - %s AS obtenu, 1 + %s AS ville, 1 + %s AS num
	FROM gc g WHERE g.parcours = 'capitalisation'
) a`,
		g.uuid("g.ms + 4000", "g.n", pAntID1, pAntID2), g.rnd("g.n", pAntDate, 600), g.rnd("g.n", pAntVille, 7), g.rnd("g.n", pAntNum, 40))
}

// planEligiblesSQL ranks the candidats who sit sessions (all but the CCS
// route, which the titre does not offer) in a random order, rho: the
// candidat with rank rho sits round r if rho < inscriptions − r × eligible.
func (g *sqlGen) planEligiblesSQL() string {
	return fmt.Sprintf(`CREATE TEMP TABLE ge ON COMMIT DROP AS
SELECT n, id, cx, parcours, created, row_number() OVER (ORDER BY %s, n) - 1 AS rho
FROM gc WHERE parcours <> 'ccs'`, g.hash("n", pRho))
}

// planInscriptionsSQL lists the inscriptions, round by round, grouping
// each round's candidats of a centre, in registration order, by sessions
// of perSession; suite tells that the candidat sits again afterwards.
func (g *sqlGen) planInscriptionsSQL(inscriptions, eligible, rounds, perSession int64) string {
	return fmt.Sprintf(`CREATE TEMP TABLE gi ON COMMIT DROP AS
SELECT r, n, id AS candidat_id, cx, parcours, created, rho < %[1]d - (r + 1) * %[2]d AS suite,
	(row_number() OVER (PARTITION BY r, cx ORDER BY n) - 1) / %[3]d AS grp
FROM ge CROSS JOIN generate_series(0::bigint, %[4]d) r
WHERE rho < %[1]d - r * %[2]d`, inscriptions, eligible, perSession, rounds-1)
}

// planSessionsSQL makes one session per (round, centre, group), held 200
// days after its last candidat registered, 120 more per round; the 10 %
// most recent are tenue, the others validee.
func (g *sqlGen) planSessionsSQL() string {
	return fmt.Sprintf(`CREATE TEMP TABLE gs ON COMMIT DROP AS
SELECT s.*, %[1]s AS id, %[2]s AS created
FROM (
	SELECT a.*, %[3]s + %[4]s AS sms,
		CASE WHEN cume_dist() OVER (ORDER BY debut) > 0.9 THEN 'tenue' ELSE 'validee' END AS statut
	FROM (
		SELECT r, cx, grp, debut, row_number() OVER (ORDER BY debut, r, cx, grp) AS sn
		FROM (
			SELECT r, cx, grp, least(max(created)::date + 200 + 120 * r::int, least(date '%[5]s', current_date - 30)) AS debut
			FROM gi GROUP BY r, cx, grp
		) q
	) a
) s`,
		g.uuid("s.sms", "s.sn", pSessID1, pSessID2), tsSQL("s.sms"),
		msSQL("(a.debut - 45 + time '09:00')"), g.rnd("a.sn", pSessMs, 3_600_000), lastSession.Format("2006-01-02"))
}

func (g *sqlGen) sessionsSQL() string {
	validee := "debut + 7 + time '10:00'"
	return fmt.Sprintf(`INSERT INTO sessions (id, reference, centre_id, version_id, type, debut, fin, lieu, responsable, statut,
	motif_annulation, declaree_at, tenue_at, deliberee_at, validee_at, validee_par, version, created_at, updated_at)
SELECT id, 'S-' || to_char(debut, 'YYYY') || '-' || upper(right(id, 12)), ($1::text[])[cx + 1], $2, 'titre', debut, debut + 1,
	($3::text[])[cx + 1], ($4::text[])[cx + 1], statut, '',
	created + interval '1 day', debut + time '08:30',
	CASE WHEN statut = 'validee' THEN debut + 1 + time '17:30' END,
	CASE WHEN statut = 'validee' THEN %[1]s END,
	CASE WHEN statut = 'validee' THEN $5 END,
	CASE WHEN statut = 'validee' THEN 5 ELSE 3 END,
	created,
	CASE WHEN statut = 'validee' THEN %[1]s ELSE debut + time '08:30' END
FROM gs ORDER BY sn`, validee)
}

func (g *sqlGen) sessionBlocsSQL() string {
	return `INSERT INTO session_blocs (session_id, bloc_id) SELECT id, ($1::text[])[j] FROM gs CROSS JOIN generate_series(1, 3) j`
}

func (g *sqlGen) sessionJurySQL() string {
	return `INSERT INTO session_jury (session_id, membre_id, signe_at, empreinte)
SELECT id, ($1::text[])[k], CASE WHEN statut = 'validee' THEN debut + 1 + time '17:30' END,
	CASE WHEN statut = 'validee' THEN encode(sha256(convert_to(id, 'UTF8')), 'hex') ELSE '' END
FROM gs CROSS JOIN generate_series(1, 2) k`
}

// planOutcomesSQL decides each inscription: kind 0 titre, 1 partiel
// (missing the CCP number miss), 2 échec; a candidat who sits again had a
// partial success. m1..m3 are the motifs of each CCP if not acquired.
func (g *sqlGen) planOutcomesSQL() string {
	return fmt.Sprintf(`CREATE TEMP TABLE gx ON COMMIT DROP AS
SELECT y.*, %[1]s AS id,
	CASE WHEN y.suite THEN 1 WHEN y.x < 80 THEN 0 WHEN y.x < 97 THEN 1 ELSE 2 END AS kind
FROM (
	SELECT k.*, %[2]s AS x, 1 + %[3]s AS miss, 1 + %[4]s AS m1, 1 + %[5]s AS m2, 1 + %[6]s AS m3,
		k.sms + 86400000 + %[7]s AS ims
	FROM (
		SELECT i.n, i.r, i.candidat_id, i.parcours, i.suite, s.id AS session_id, s.statut, s.debut, s.sms, s.sn,
			i.n * 64 + i.r AS key
		FROM gi i JOIN gs s ON s.r = i.r AND s.cx = i.cx AND s.grp = i.grp
	) k
) y`,
		g.uuid("y.ims", "y.key", pInsID1, pInsID2), g.rnd("k.key", pKind, 100), g.rnd("k.key", pMissing, 3),
		g.rnd("k.key", pMotif1, int64(len(motifs))), g.rnd("k.key", pMotif2, int64(len(motifs))), g.rnd("k.key", pMotif3, int64(len(motifs))),
		g.rnd("k.key", pInsMs, 30*86_400_000))
}

func (g *sqlGen) inscriptionsSQL() string {
	expl := "($1::text[])[tpl]"
	for _, r := range [][2]string{
		{phSession, "session_id"}, {phVersion, "$2"},
		{phDateISO, "to_char(debut + 1, 'YYYY-MM-DD')"}, {phDateFR, "to_char(debut + 1, 'DD/MM/YYYY')"},
		{phMotif(1), "($3::text[])[m1]"}, {phMotif(2), "($3::text[])[m2]"}, {phMotif(3), "($3::text[])[m3]"},
	} {
		expl = fmt.Sprintf("replace(%s, '%s', %s)", expl, r[0], r[1])
	}
	return fmt.Sprintf(`INSERT INTO inscriptions (id, session_id, candidat_id, entretien_final_du, presence, entretien_final, issue,
	explication, date_limite, notifie_le, version, created_at, updated_at)
SELECT id, session_id, candidat_id, true, 'present', CASE WHEN kind = 2 THEN 'defavorable' ELSE 'favorable' END,
	CASE WHEN v THEN (ARRAY['titre', 'partiel', 'echec'])[kind + 1] END,
	CASE WHEN v THEN %[1]s ELSE '' END,
	CASE WHEN v AND kind = 1 THEN $4::date END,
	CASE WHEN v THEN debut + 7 END,
	CASE WHEN v THEN 3 ELSE 2 END,
	%[2]s,
	CASE WHEN v THEN debut + 1 + time '17:30' ELSE debut + 1 + time '15:00' END
FROM (
	SELECT x.*, x.statut = 'validee' AS v,
		(CASE x.parcours WHEN 'formation' THEN 0 WHEN 'vae' THEN 1 ELSE 2 END) * 5
			+ CASE x.kind WHEN 0 THEN 0 WHEN 1 THEN x.miss ELSE 4 END + 1 AS tpl
	FROM gx x
) z`, expl, tsSQL("ims"))
}

func (g *sqlGen) inscriptionBlocsSQL() string {
	return `INSERT INTO inscription_blocs (inscription_id, bloc_id) SELECT id, ($1::text[])[j] FROM gx CROSS JOIN generate_series(1, 3) j`
}

// evaluationsSQL writes the 3 decisions of each inscription, with the
// booleans evaluationPlan gives the rule engine for the templates.
func (g *sqlGen) evaluationsSQL() string {
	return fmt.Sprintf(`INSERT INTO evaluations (id, inscription_id, bloc_id, decision, motifs, msp, entretien_technique,
	questionnaire_professionnel, questionnement_productions, dossier_professionnel, ecf_pris_en_compte, saisi_par, version,
	created_at, updated_at)
SELECT %[1]s, id, ($1::text[])[j], CASE WHEN na THEN 'non_acquis' ELSE 'acquis' END,
	CASE WHEN na THEN ($2::text[])[CASE j WHEN 1 THEN m1 WHEN 2 THEN m2 ELSE m3 END] ELSE '' END,
	true, true, j = 3, false, true, parcours <> 'vae', ($3::text[])[1 + sn %% 2], 1, %[2]s, %[2]s
FROM (
	SELECT x.*, j, x.key * 4 + j AS ekey, (x.kind = 2 OR (x.kind = 1 AND j = x.miss)) AS na,
		%[3]s + 60000 * j + %[4]s AS ems
	FROM gx x CROSS JOIN generate_series(1, 3) j
) e`,
		g.uuid("ems", "ekey", pEvalID1, pEvalID2), tsSQL("ems"), msSQL("(x.debut + 1 + time '15:00')"), g.rnd("x.key", pEvalMs, 7_200_000))
}

// motifsJSONSafe reports whether s can go between the quotes of a JSON
// string unescaped, as the explication templates need of the motifs.
func motifsJSONSafe(s string) bool {
	b, err := json.Marshal(s)
	return err == nil && string(b) == `"`+s+`"`
}
