// Package sauvegarde backs up and restores a cipcert database.
//
// PostgreSQL is saved with its own tools, pg_dump in its custom format and
// pg_restore, so that the operator's usual tooling reads the files too.
// The embedded SQLite database is saved with VACUUM INTO, which writes a
// consistent copy from one read transaction while the service keeps
// running (the driver, modernc's SQLite through glebarez/go-sqlite, does
// not expose SQLite's backup API; VACUUM INTO gives the same guarantee,
// and a compacted file).
//
// A restore refuses a target database that already holds tables, unless
// forced, and checks afterwards the hash of every issued document against
// the one recorded when it was issued.
package sauvegarde

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	_ "github.com/glebarez/go-sqlite"  // the "sqlite" driver
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Options are the settings of a backup or a restore.
type Options struct {
	// PGBin is the folder of pg_dump and pg_restore; empty looks them up
	// in PATH.
	PGBin string
	// Forcer lets a restore replace a database that already holds tables.
	Forcer bool
}

// Bilan is what a restore found in the restored database.
type Bilan struct {
	Tables    int
	Documents int
}

// IsPostgres says whether a database URL names PostgreSQL rather than an
// SQLite file.
func IsPostgres(databaseURL string) bool {
	return strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://")
}

// Sauvegarder writes a consistent copy of the database into the file
// dest, which must not exist yet. The copy is written beside dest and
// renamed once complete, so that an interrupted backup never leaves a file
// that looks whole.
func Sauvegarder(ctx context.Context, databaseURL, dest string, opt Options) error {
	if dest == "" {
		return errors.New("indiquez le fichier de sauvegarde à écrire")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("le fichier %s existe déjà : une sauvegarde n'en écrase jamais une autre, choisissez un autre nom", dest)
	}
	partiel := dest + ".partiel"
	_ = os.Remove(partiel)
	var err error
	if IsPostgres(databaseURL) {
		err = pgDump(ctx, databaseURL, partiel, opt)
	} else {
		err = sqliteVacuumInto(ctx, sqlitePath(databaseURL), partiel)
	}
	if err != nil {
		_ = os.Remove(partiel)
		return err
	}
	if err := syncFile(partiel); err != nil {
		return err
	}
	return os.Rename(partiel, dest)
}

// Restaurer loads the backup src into the database. It refuses a database
// that already holds tables unless opt.Forcer is set, then checks that
// every document's bytes still give the hash recorded at issuance.
func Restaurer(ctx context.Context, databaseURL, src string, opt Options) (Bilan, error) {
	if _, err := os.Stat(src); err != nil {
		return Bilan{}, fmt.Errorf("sauvegarde %s illisible : %w", src, err)
	}
	var err error
	if IsPostgres(databaseURL) {
		err = pgRestore(ctx, databaseURL, src, opt)
	} else {
		err = sqliteRestore(ctx, sqlitePath(databaseURL), src, opt)
	}
	if err != nil {
		return Bilan{}, err
	}
	return Verifier(ctx, databaseURL)
}

// Verifier counts the tables of a database and checks the hash of every
// issued document. Returns an error naming the first document whose bytes
// do not give its recorded hash.
func Verifier(ctx context.Context, databaseURL string) (Bilan, error) {
	db, err := open(databaseURL, true)
	if err != nil {
		return Bilan{}, err
	}
	defer db.Close()
	var b Bilan
	if b.Tables, err = countTables(ctx, db, IsPostgres(databaseURL)); err != nil {
		return Bilan{}, err
	}
	// One document at a time: the bytes of every document together may
	// not fit in memory.
	rows, err := db.QueryContext(ctx, `SELECT numero, sha256, contenu FROM documents ORDER BY numero`)
	if err != nil {
		return Bilan{}, fmt.Errorf("lecture des documents restaurés : %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var numero, hash string
		var contenu []byte
		if err := rows.Scan(&numero, &hash, &contenu); err != nil {
			return Bilan{}, fmt.Errorf("lecture des documents restaurés : %w", err)
		}
		sum := sha256.Sum256(contenu)
		if hex.EncodeToString(sum[:]) != hash {
			return Bilan{}, fmt.Errorf("le document n° %s restauré ne donne plus l'empreinte enregistrée à son émission : la sauvegarde est altérée", numero)
		}
		b.Documents++
	}
	if err := rows.Err(); err != nil {
		return Bilan{}, fmt.Errorf("lecture des documents restaurés : %w", err)
	}
	return b, nil
}

// open opens the database for the checks of this package.
func open(databaseURL string, readOnly bool) (*sql.DB, error) {
	if IsPostgres(databaseURL) {
		return sql.Open("pgx", databaseURL)
	}
	dsn := "file:" + sqlitePath(databaseURL)
	if readOnly {
		dsn += "?mode=ro"
	}
	return sql.Open("sqlite", dsn)
}

// countTables counts the tables of the application's schemas.
func countTables(ctx context.Context, db *sql.DB, postgres bool) (int, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`
	}
	var n int
	if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("lecture de la base cible : %w", err)
	}
	return n, nil
}

// refuserSiNonVide refuses a target that holds tables, unless forced.
func refuserSiNonVide(ctx context.Context, databaseURL string, opt Options) (bool, error) {
	db, err := open(databaseURL, false)
	if err != nil {
		return false, err
	}
	defer db.Close()
	n, err := countTables(ctx, db, IsPostgres(databaseURL))
	if err != nil {
		return false, err
	}
	if n > 0 && !opt.Forcer {
		return false, fmt.Errorf("la base cible contient déjà %d tables : la restauration la remplacerait. Restaurez dans une base neuve, ou, service arrêté, relancez avec -forcer pour l'écraser", n)
	}
	return n > 0, nil
}

// sqlitePath is the file of an SQLite database URL, without its options.
func sqlitePath(databaseURL string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(databaseURL, "sqlite://"), "?")
	return path
}

func sqliteVacuumInto(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("base SQLite %s introuvable : %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("sauvegarde de %s : %w", path, err)
	}
	return nil
}

// sqliteRestore checks the backup, then puts a copy of it in place of the
// target file. The copy is renamed over the target, so that the target is
// either the old database or the whole backup, never half of it.
func sqliteRestore(ctx context.Context, path, src string, opt Options) error {
	if err := sqliteCheck(ctx, src); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		if _, err := refuserSiNonVide(ctx, path, opt); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp := path + ".restauration"
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("copie de la sauvegarde : %w", err)
	}
	// The old database's journal would be replayed over the restored file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			_ = os.Remove(tmp)
			return err
		}
	}
	return os.Rename(tmp, path)
}

// sqliteCheck refuses a file that is not a sound cipcert database.
func sqliteCheck(ctx context.Context, src string) error {
	db, err := sql.Open("sqlite", "file:"+src+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		return fmt.Errorf("%s n'est pas une base SQLite intacte (%v%s)", src, err, res)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("%s n'est pas une sauvegarde de cipcert : elle n'a pas de table des migrations", src)
	}
	return nil
}

func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// pgCommand prepares a PostgreSQL tool for databaseURL. The password goes
// through PGPASSWORD rather than the command line, which other users of
// the machine can read.
func pgCommand(ctx context.Context, tool, databaseURL string, opt Options, args ...string) (*exec.Cmd, error) {
	bin := tool
	if opt.PGBin != "" {
		bin = filepath.Join(opt.PGBin, tool)
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("%s introuvable : installez les outils clients de PostgreSQL (de la même version majeure que le serveur, ou plus récente) ou indiquez leur dossier dans CIPCERT_PG_BIN", tool)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, errors.New("DATABASE_URL illisible")
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, path, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	return cmd, nil
}

// runPG runs a PostgreSQL tool and reports its own message when it fails.
func runPG(cmd *exec.Cmd, what string) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s a échoué (%v) : %s", what, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func pgDump(ctx context.Context, databaseURL, dest string, opt Options) error {
	// Owners and grants are the source server's: the restored database
	// belongs to whoever restores it.
	cmd, err := pgCommand(ctx, "pg_dump", databaseURL, opt, "--format=custom", "--no-owner", "--no-privileges", "--file="+dest)
	if err != nil {
		return err
	}
	return runPG(cmd, "pg_dump")
}

func pgRestore(ctx context.Context, databaseURL, src string, opt Options) error {
	nonVide, err := refuserSiNonVide(ctx, databaseURL, opt)
	if err != nil {
		return err
	}
	// One transaction: a restore that fails leaves the database as it was.
	args := []string{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"}
	if nonVide {
		args = append(args, "--clean", "--if-exists")
	}
	cmd, err := pgCommand(ctx, "pg_restore", databaseURL, opt, args...)
	if err != nil {
		return err
	}
	cmd.Args = append(cmd.Args, src)
	return runPG(cmd, "pg_restore")
}
