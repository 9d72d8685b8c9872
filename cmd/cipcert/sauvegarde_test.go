package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupRestoreCmd: cipcert backup then restore into another SQLite
// file gives back the seeded database, and a second restore over it is
// refused in French unless -forcer.
func TestBackupRestoreCmd(t *testing.T) {
	dir := t.TempDir()
	env := func(db string) func(string) string {
		return func(k string) string {
			return map[string]string{"CIPCERT_SQLITE": db, "CIPCERT_DEMO": "1", "CIPCERT_MAIL_DIR": filepath.Join(dir, "mail")}[k]
		}
	}
	ctx := context.Background()
	source, cible, fichier := filepath.Join(dir, "source.db"), filepath.Join(dir, "cible.db"), filepath.Join(dir, "cipcert.sauvegarde")
	var out bytes.Buffer
	for _, args := range [][]string{{"migrate", "up"}, {"seed"}, {"backup", fichier}} {
		if err := run(ctx, args, env(source), strings.NewReader(""), &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"restore", fichier}, env(cible), strings.NewReader(""), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "restaurée") || strings.Contains(out.String(), " 0 documents") {
		t.Errorf("restore printed %q, want the documents checked", out.String())
	}
	err := run(ctx, []string{"restore", fichier}, env(cible), strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "-forcer") {
		t.Errorf("restore over a database holding tables: %v, want a refusal naming -forcer", err)
	}
	if err := run(ctx, []string{"restore", "-forcer", fichier}, env(cible), strings.NewReader(""), &out); err != nil {
		t.Errorf("forced restore: %v", err)
	}
	if err := run(ctx, []string{"restore"}, env(cible), strings.NewReader(""), &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("restore without a file: %v", err)
	}
}
