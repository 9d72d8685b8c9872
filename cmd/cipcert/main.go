// Command cipcert runs the cipcert API and its maintenance tasks.
//
//	cipcert serve            serve the API (default)
//	cipcert migrate up|down|status
//	cipcert seed             load the référentiel, and demo data into an empty database
//	cipcert user create -identifiant ID -role ROLE -nom NOM   (password on stdin or in CIPCERT_PASSWORD)
//	cipcert backup FICHIER   write a consistent copy of the database
//	cipcert restore [-forcer] FICHIER   load a backup into an empty database
//
// Configuration comes from the environment: DATABASE_URL (or
// DATABASE_URL_FILE), a postgres:// URL; without it, the SQLite file
// CIPCERT_SQLITE (default cipcert.db). ADDR is the listen address (default
// :8080); PUBLIC_URL the address printed in documents' verification links
// (default http://localhost:8080), which must be https for documents to be
// issued, unless CIPCERT_DEMO=1 (the demo, set by make run); THEME the look
// of the pages: etat (the default, for State services) or neutre (no bloc
// marque nor Marianne, for any other operator); TRUSTED_PROXIES the
// comma-separated address ranges of the reverse proxies whose
// X-Forwarded-For is believed (none by default).
//
// Every issued document is sealed with the issuing authority's key:
// CIPCERT_SCEAU_CERT (its certificate in PEM, then any chain certificates)
// and CIPCERT_SCEAU_CLE (its private key in PEM), or CIPCERT_SCEAU_CERT_FILE
// and CIPCERT_SCEAU_CLE_FILE. Without them documents are refused, except in
// the demo, which seals with the certificate « cipcert démonstration —
// sceau non officiel » that cipcert seed writes next to the SQLite file.
//
// SMTP_URL (or SMTP_URL_FILE),
// smtp://user:pass@host:port (?starttls=required|none) or smtps://…, is the
// server the e-mails go through, from MAIL_FROM; without it they are written
// into CIPCERT_MAIL_DIR (default mail/ beside the SQLite file).
//
// GOMEMLIMIT, read by the Go runtime, is the server's soft memory limit;
// unset, serve sets 52 MiB (defaultMemoryLimit), and GOMEMLIMIT=off lifts it.
//
// CIPCERT_PG_BIN is the folder of pg_dump and pg_restore, which backup and
// restore run for PostgreSQL (default: looked up in PATH).
//
// CIPCERT_TOTP_OBLIGATOIRE=1 requires the administrator and autorité
// accounts to sign in with a second factor (TOTP); CIPCERT_TOTP_CLE (or
// CIPCERT_TOTP_CLE_FILE), 32 bytes in base64 or hex, seals its secrets in
// the database.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
	"github.com/cipcert/cipcert/fixtures"
	"github.com/cipcert/cipcert/migrations"
	"github.com/cipcert/cipcert/pdf"
	"github.com/cipcert/cipcert/pdf/sceau"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cipcert:", err)
		os.Exit(1)
	}
}

// Config is cipcert's configuration, read from the environment only here.
type Config struct {
	DatabaseURL string
	Addr        string
	// PublicURL is where the public reaches the server; issued documents
	// print it in their verification URL and QR code.
	PublicURL string
	// Neutre drops the État's bloc marque from the pages (THEME=neutre).
	Neutre bool
	// Demo (CIPCERT_DEMO=1, set by make run) admits an http PublicURL for
	// issued documents: the demo on localhost has no certificate.
	Demo bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (TRUSTED_PROXIES).
	TrustedProxies []*net.IPNet
	// Sceau is the issuing authority's electronic seal
	// (CIPCERT_SCEAU_CERT and CIPCERT_SCEAU_CLE, or their _FILE
	// variants); nil when not configured.
	Sceau *sceau.Sceau
	// PGBin is the folder of pg_dump and pg_restore (CIPCERT_PG_BIN).
	PGBin string
	// Sender sends the e-mails: through SMTP_URL (or SMTP_URL_FILE), or
	// without it into the folder CIPCERT_MAIL_DIR (default: mail/ beside
	// the SQLite file, or ./mail).
	Sender mail.Sender
	// Conservation is the retention table: CIPCERT_CONSERVATION_FILE, or
	// the default of fixtures/conservation.json.
	Conservation certification.Conservation
	// Mentions are the operator's legal mentions on the public pages:
	// CIPCERT_MENTIONS_FILE, or the demo's.
	Mentions web.Mentions
	// TOTPObligatoire requires a second factor of the administrator and
	// autorité accounts (CIPCERT_TOTP_OBLIGATOIRE=1); CleTOTP seals its
	// secrets (CIPCERT_TOTP_CLE or CIPCERT_TOTP_CLE_FILE: 32 bytes in
	// base64 or hex).
	TOTPObligatoire bool
	CleTOTP         []byte
}

// loadSender reads SMTP_URL or SMTP_URL_FILE, and MAIL_FROM (the sender,
// default ne-pas-repondre@ the public host).
func loadSender(getenv func(string) string, c Config, errs []error) (mail.Sender, []error) {
	raw := getenv("SMTP_URL")
	if f := getenv("SMTP_URL_FILE"); f != "" {
		if raw != "" {
			errs = append(errs, errors.New("SMTP_URL and SMTP_URL_FILE are both set"))
		}
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("SMTP_URL_FILE: %w", err))
		}
		raw = strings.TrimSpace(string(b))
	}
	host := "localhost"
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	from := getenv("MAIL_FROM")
	if from == "" {
		from = "ne-pas-repondre@" + host
	}
	if raw != "" {
		s, err := mail.ParseURL(raw, from)
		if err != nil {
			return nil, append(errs, err)
		}
		return s, errs
	}
	dir := getenv("CIPCERT_MAIL_DIR")
	if dir == "" {
		dir = "mail"
		if !strings.HasPrefix(c.DatabaseURL, "postgres") {
			dir = filepath.Join(filepath.Dir(c.DatabaseURL), "mail")
		}
	}
	return mail.Dir{Path: dir, From: from, Domain: host}, errs
}

// loadConfig reads the environment and reports every problem at once.
func loadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	c := Config{DatabaseURL: getenv("DATABASE_URL"), Addr: getenv("ADDR"), PublicURL: getenv("PUBLIC_URL"), PGBin: getenv("CIPCERT_PG_BIN")}
	if f := getenv("DATABASE_URL_FILE"); f != "" {
		if c.DatabaseURL != "" {
			errs = append(errs, errors.New("DATABASE_URL and DATABASE_URL_FILE are both set"))
		}
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("DATABASE_URL_FILE: %w", err))
		}
		c.DatabaseURL = strings.TrimSpace(string(b))
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = getenv("CIPCERT_SQLITE")
		if c.DatabaseURL == "" {
			c.DatabaseURL = "cipcert.db"
		}
	} else if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database)"))
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	} else if !strings.HasPrefix(c.PublicURL, "https://") && !strings.HasPrefix(c.PublicURL, "http://") {
		errs = append(errs, errors.New("PUBLIC_URL must start with https:// or http://"))
	}
	switch getenv("CIPCERT_DEMO") {
	case "", "0":
	case "1":
		c.Demo = true
	default:
		errs = append(errs, errors.New("CIPCERT_DEMO must be 1 (the demo) or unset"))
	}
	switch getenv("THEME") {
	case "", "etat":
	case "neutre":
		c.Neutre = true
	default:
		errs = append(errs, errors.New("THEME must be etat or neutre"))
	}
	c.Sender, errs = loadSender(getenv, c, errs)
	proxies, err := app.ParseTrustedProxies(getenv("TRUSTED_PROXIES"))
	if err != nil {
		errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %w", err))
	}
	c.TrustedProxies = proxies
	if c.Sceau, err = loadSceau(getenv); err != nil {
		errs = append(errs, err)
	}
	if c.Conservation, err = loadConservation(getenv("CIPCERT_CONSERVATION_FILE")); err != nil {
		errs = append(errs, fmt.Errorf("CIPCERT_CONSERVATION_FILE: %w", err))
	}
	if f := getenv("CIPCERT_MENTIONS_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err == nil {
			c.Mentions, err = web.ParseMentions(b)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("CIPCERT_MENTIONS_FILE: %w", err))
		}
	}
	switch getenv("CIPCERT_TOTP_OBLIGATOIRE") {
	case "", "0":
	case "1":
		c.TOTPObligatoire = true
	default:
		errs = append(errs, errors.New("CIPCERT_TOTP_OBLIGATOIRE must be 1 (second factor required) or unset"))
	}
	if c.CleTOTP, err = loadCleTOTP(getenv); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// loadConservation reads the operator's retention table, or the default.
func loadConservation(path string) (certification.Conservation, error) {
	if path == "" {
		return fixtures.Conservation()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return certification.ParseConservation(b)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	// A backup or a restore works on the database's files or through
	// PostgreSQL's tools: the service's pools are never opened on it.
	switch cmd {
	case "backup":
		return backupCmd(ctx, cfg, args, stdout)
	case "restore":
		return restoreCmd(ctx, cfg, args, stdout)
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))
	db, err := certification.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	params, err := fixtures.Parametres()
	if err != nil {
		return fmt.Errorf("rule parameters: %w", err)
	}
	// Every command enqueues what its changes cause; only serve works the
	// jobs, so that a seed or an import run beside the server never sends
	// twice and never forgets.
	q, err := queue.New(ctx, db, queue.Config{Logger: log, Sender: cfg.Sender})
	if err != nil {
		return err
	}
	opt := certification.Options{
		Jobs:       q,
		Now:        func() time.Time { return time.Now().UTC() },
		Parametres: params,
		Renderer:   pdf.New(),
		// The retention table is applied by the nightly job of serve.
		Conservation: cfg.Conservation,
		PublicURL:    cfg.PublicURL,
		// Only the demo issues documents whose link is not https.
		AllowHTTPPublicURL: cfg.Demo,
		TOTPObligatoire:    cfg.TOTPObligatoire,
		CleTOTP:            cfg.CleTOTP,
	}
	switch {
	case cfg.Sceau != nil:
		opt.Sceau = cfg.Sceau
	case cmd == "seed" || cfg.Demo:
		// Without the authority's seal, seed makes the demo's, whose
		// certificate calls itself unofficial; only the demo seals with it.
		s, err := demoSceau(demoSceauPath(cfg.DatabaseURL), true, time.Now())
		if err != nil {
			return err
		}
		if cfg.Demo {
			opt.Sceau = s
		}
	}
	svc, err := certification.NewService(db, opt)
	if err != nil {
		return err
	}

	switch cmd {
	case "serve":
		if limit, ok := memoryLimit(getenv); ok {
			debug.SetMemoryLimit(limit)
		}
		return serve(ctx, cfg, db, svc, q, log)
	case "migrate":
		sub := "up"
		if len(args) > 0 {
			sub = args[0]
		}
		switch sub {
		case "up":
			v, err := migrations.Up(ctx, sqlDB, db.Dialect)
			if err == nil {
				fmt.Fprintf(stdout, "schema at version %d (%s)\n", v, db.Dialect)
			}
			return err
		case "down":
			v, err := migrations.Down(ctx, sqlDB, db.Dialect)
			if err == nil {
				fmt.Fprintf(stdout, "schema at version %d (%s)\n", v, db.Dialect)
			}
			return err
		case "status":
			st, err := migrations.List(ctx, sqlDB, db.Dialect)
			if err != nil {
				return err
			}
			for _, s := range st {
				state := "pending"
				if s.Applied {
					state = "applied"
				}
				fmt.Fprintf(stdout, "%05d %-8s %s\n", s.Version, state, s.Name)
			}
			return nil
		}
		return fmt.Errorf("migrate: unknown subcommand %q (up, down, status)", sub)
	case "seed":
		wrote, err := fixtures.Seed(ctx, svc)
		if err != nil {
			return err
		}
		if wrote {
			fmt.Fprintln(stdout, "référentiel loaded; demo data written")
		} else {
			fmt.Fprintln(stdout, "référentiel loaded; accounts already exist, demo data skipped")
		}
		return nil
	case "user":
		return userCmd(ctx, svc, args, getenv, stdin, stdout)
	case "referentiel":
		return referentielCmd(ctx, svc, args, stdin, stdout)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, seed, user, referentiel, backup, restore)", cmd)
}

func userCmd(ctx context.Context, svc *certification.Service, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: cipcert user create -identifiant ID -role ROLE -nom NOM [-centre ID] [-candidat ID] [-autorite NOM (-region R | -departements 69,42)]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	id := fs.String("identifiant", "", "login")
	role := fs.String("role", "admin", "admin, autorite, centre, jury or candidat")
	nom := fs.String("nom", "", "display name")
	centreID := fs.String("centre", "", "centre id, for a centre account")
	candidatID := fs.String("candidat", "", "candidat id, for a candidat account")
	autorite := fs.String("autorite", "", `authority printed on documents, for an autorite account ("DREETS Bretagne")`)
	region := fs.String("region", "", "region of a DREETS, for an autorite account")
	departements := fs.String("departements", "", "comma-separated départements of a DDETS, for an autorite account")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pw := getenv("CIPCERT_PASSWORD")
	if pw == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("password expected on standard input or in CIPCERT_PASSWORD")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	system := certification.Acteur{Role: certification.RoleAdmin, Identifiant: "cli"}
	u, err := svc.CreateUtilisateur(ctx, system, certification.NouvelUtilisateur{Identifiant: *id, Nom: *nom,
		MotDePasse: pw, Role: certification.Role(*role), CentreID: *centreID, CandidatID: *candidatID,
		Territoire: certification.Territoire{Autorite: *autorite, Region: *region, Departements: splitList(*departements)}})
	if err != nil {
		var de *certification.Error
		if errors.As(err, &de) {
			msg := de.Message
			for _, f := range de.Fields {
				msg += " " + f.Field + " : " + f.Message
			}
			return errors.New(msg)
		}
		return err
	}
	fmt.Fprintf(stdout, "account %s created (%s, id %s)\n", u.Identifiant, u.Role, u.ID)
	return nil
}

// splitList reads "69, 42" as ["69" "42"], and "" as none.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// defaultMemoryLimit is the soft memory limit of serve when GOMEMLIMIT is
// not set. Without one the heap grows to twice what is live (GOGC=100). When
// the pages cloned their templates, the server kept 20 to 35 MB live under
// load, its peak resident set reached about 120 MB under cipcert-load, and
// this limit, which then held it at 76 to 78 MB, set the collector's pace in
// nine cycles out of ten. The live heap is now 11 to 20 MB: under the same
// load the peak is 72 MB without any limit, the collector keeps its
// GOGC=100 pace (the limit set none of its cycles), and the limit stays as a
// bound on a burst rather than a brake. A host with memory to spare lifts
// it with GOMEMLIMIT=off or sets its own.
const defaultMemoryLimit = 52 << 20

// memoryLimit is the soft memory limit serve sets, and whether it sets one:
// not when GOMEMLIMIT is set, which the runtime has applied already.
func memoryLimit(getenv func(string) string) (int64, bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	return defaultMemoryLimit, true
}

func serve(ctx context.Context, cfg Config, db *certification.DB, svc *certification.Service, q *queue.Queue, log *slog.Logger) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	st, err := migrations.List(ctx, sqlDB, db.Dialect)
	if err != nil {
		return err
	}
	for _, s := range st {
		if !s.Applied {
			return fmt.Errorf("schema not up to date (migration %d pending): run 'cipcert migrate up' first", s.Version)
		}
	}
	if err := q.Start(ctx, svc); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	defer func() {
		// A job cut short by the deadline is worked again after a restart.
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(stopCtx); err != nil {
			log.Warn("job queue: stop", "err", err)
		}
	}()
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           app.New(svc, app.Options{Logger: log, Neutre: cfg.Neutre, Mentions: cfg.Mentions, TrustedProxies: cfg.TrustedProxies}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", cfg.Addr, "database", db.Dialect, "public_url", cfg.PublicURL, "demo", cfg.Demo,
		"memory_limit_mib", debug.SetMemoryLimit(-1)>>20)
	if !strings.HasPrefix(cfg.PublicURL, "https://") {
		if cfg.Demo {
			log.Warn("demo: documents are issued with a PUBLIC_URL that is not https; never do this in production", "public_url", cfg.PublicURL)
		} else {
			log.Warn("PUBLIC_URL is not https: documents will be refused (409 url_publique_non_https) until it is", "public_url", cfg.PublicURL)
		}
	}
	if svc.Sceau() == nil {
		log.Warn("no electronic seal configured (CIPCERT_SCEAU_CERT_FILE, CIPCERT_SCEAU_CLE_FILE): documents will be refused (409 sceau_non_configure) until it is")
	} else {
		c := svc.Sceau().Certificat()
		log.Info("documents sealed", "certificate", c.Nom, "sha256", c.Empreinte)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
