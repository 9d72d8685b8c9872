package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/cipcert/cipcert/certification/sauvegarde"
)

// backupCmd writes a backup of the configured database: cipcert backup FICHIER.
func backupCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage : cipcert backup FICHIER (le fichier ne doit pas exister)")
	}
	start := time.Now()
	if err := sauvegarde.Sauvegarder(ctx, cfg.DatabaseURL, args[0], sauvegarde.Options{PGBin: cfg.PGBin}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sauvegarde écrite dans %s (%s)\n", args[0], time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd loads a backup into the configured database:
// cipcert restore [-forcer] FICHIER.
func restoreCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	forcer := fs.Bool("forcer", false, "replace a database that already holds tables")
	usage := errors.New("usage : cipcert restore [-forcer] FICHIER")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usage
	}
	start := time.Now()
	b, err := sauvegarde.Restaurer(ctx, cfg.DatabaseURL, fs.Arg(0), sauvegarde.Options{PGBin: cfg.PGBin, Forcer: *forcer})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sauvegarde %s restaurée : %d tables, %d documents dont l'empreinte est vérifiée (%s)\n",
		fs.Arg(0), b.Tables, b.Documents, time.Since(start).Round(time.Millisecond))
	return nil
}
