package sauvegarde_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/sauvegarde"
	"github.com/cipcert/cipcert/fixtures"
	"github.com/cipcert/cipcert/migrations"
)

// newDatabase returns the URL of a fresh, empty database of the dialect: an
// SQLite file not created yet, or a PostgreSQL database of its own, as
// pg_dump and pg_restore work on whole databases.
func newDatabase(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == "sqlite" {
		return filepath.Join(tb.TempDir(), "cipcert.db")
	}
	base := os.Getenv("TEST_DATABASE_URL")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "sv_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// openService opens the database at databaseURL, migrates it and returns a
// test service on it.
func openService(tb testing.TB, databaseURL string) (*certification.DB, *certification.Service) {
	tb.Helper()
	db, err := certification.Open(databaseURL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	sqlDB, err := db.DB.DB()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := migrations.Up(context.Background(), sqlDB, db.Dialect); err != nil {
		tb.Fatal(err)
	}
	return db, certtest.NewService(tb, db)
}

// etat is what a restore must give back: the rows of every table and the
// hash of every document's bytes, by number.
type etat struct {
	Lignes    map[string]int
	Empreinte map[string]string
}

// seed writes the demo data set with the documents of its validated
// session issued.
func seed(tb testing.TB, svc *certification.Service) {
	tb.Helper()
	if _, err := fixtures.Seed(context.Background(), svc); err != nil {
		tb.Fatal(err)
	}
}

func lireEtat(tb testing.TB, db *certification.DB) etat {
	tb.Helper()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	if err := db.Raw(q).Scan(&tables).Error; err != nil {
		tb.Fatal(err)
	}
	e := etat{Lignes: map[string]int{}, Empreinte: map[string]string{}}
	for _, t := range tables {
		var n int
		if err := db.Raw(`SELECT count(*) FROM "` + t + `"`).Scan(&n).Error; err != nil {
			tb.Fatal(err)
		}
		e.Lignes[t] = n
	}
	var docs []struct {
		Numero  string
		Contenu []byte
	}
	if err := db.Raw(`SELECT numero, contenu FROM documents`).Scan(&docs).Error; err != nil {
		tb.Fatal(err)
	}
	for _, d := range docs {
		sum := sha256.Sum256(d.Contenu)
		e.Empreinte[d.Numero] = hex.EncodeToString(sum[:])
	}
	return e
}

func TestSauvegardeRestauration(t *testing.T) {
	for _, dialect := range certtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			source := newDatabase(t, dialect)
			db, svc := openService(t, source)
			seed(t, svc)
			avant := lireEtat(t, db)
			if len(avant.Empreinte) == 0 || avant.Lignes["candidats"] == 0 || avant.Lignes["evenements"] == 0 {
				t.Fatalf("the demo data set issued no document or wrote no row: %v", avant.Lignes)
			}
			var codes []struct{ Numero, CodeVerification, Statut string }
			if err := db.Raw(`SELECT numero, code_verification, statut FROM documents`).Scan(&codes).Error; err != nil {
				t.Fatal(err)
			}

			fichier := filepath.Join(t.TempDir(), "cipcert.sauvegarde")
			if err := sauvegarde.Sauvegarder(ctx, source, fichier, sauvegarde.Options{}); err != nil {
				t.Fatal(err)
			}
			t.Run("ErrFichierExistant", func(t *testing.T) {
				err := sauvegarde.Sauvegarder(ctx, source, fichier, sauvegarde.Options{})
				if err == nil || !strings.Contains(err.Error(), "existe déjà") {
					t.Fatalf("a second backup into the same file: %v", err)
				}
			})

			cible := newDatabase(t, dialect)
			bilan, err := sauvegarde.Restaurer(ctx, cible, fichier, sauvegarde.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bilan.Documents != len(avant.Empreinte) {
				t.Errorf("restore checked %d documents, want %d", bilan.Documents, len(avant.Empreinte))
			}
			restauree, err := certification.Open(cible)
			if err != nil {
				t.Fatal(err)
			}
			defer restauree.Close()
			if diff := cmp.Diff(avant, lireEtat(t, restauree)); diff != "" {
				t.Errorf("restored database (-want +got):\n%s", diff)
			}
			// The restored documents verify as they did: a service on the
			// restored database answers their public verification.
			rsvc, err := certification.NewService(restauree, certtest.Options(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range codes {
				v, err := rsvc.Verifier(ctx, c.CodeVerification, "", nil)
				if err != nil {
					t.Fatalf("verification of %s after restore: %v", c.Numero, err)
				}
				if v.Numero != c.Numero || v.Statut != c.Statut {
					t.Errorf("verification of %s after restore: %s %s, want %s %s", c.CodeVerification, v.Numero, v.Statut, c.Numero, c.Statut)
				}
			}

			t.Run("ErrBaseNonVide", func(t *testing.T) {
				_, err := sauvegarde.Restaurer(ctx, cible, fichier, sauvegarde.Options{})
				if err == nil || !strings.Contains(err.Error(), "contient déjà") {
					t.Fatalf("a restore over a database holding tables: %v", err)
				}
			})
			t.Run("Forcer", func(t *testing.T) {
				if dialect == "sqlite" {
					// The file is replaced: the pools on the old one close first.
					restauree.Close()
				}
				bilan, err := sauvegarde.Restaurer(ctx, cible, fichier, sauvegarde.Options{Forcer: true})
				if err != nil {
					t.Fatal(err)
				}
				if bilan.Documents != len(avant.Empreinte) {
					t.Errorf("forced restore checked %d documents, want %d", bilan.Documents, len(avant.Empreinte))
				}
				again, err := certification.Open(cible)
				if err != nil {
					t.Fatal(err)
				}
				defer again.Close()
				if diff := cmp.Diff(avant, lireEtat(t, again)); diff != "" {
					t.Errorf("database restored over itself (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestRestaurationRefuseUnFichierEtranger(t *testing.T) {
	autre := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(autre, []byte("pas une base"), 0o600); err != nil {
		t.Fatal(err)
	}
	cible := filepath.Join(t.TempDir(), "cipcert.db")
	if _, err := sauvegarde.Restaurer(context.Background(), cible, autre, sauvegarde.Options{}); err == nil {
		t.Fatal("a file that is not a backup was restored")
	}
	if _, err := os.Stat(cible); err == nil {
		t.Error("a refused restore created the target database")
	}
}

// TestVerifierDetecteUnDocumentAltere alters a document's bytes in a
// backup, beneath the triggers, and expects the restore to say so.
func TestVerifierDetecteUnDocumentAltere(t *testing.T) {
	ctx := context.Background()
	source := newDatabase(t, "sqlite")
	_, svc := openService(t, source)
	seed(t, svc)
	fichier := filepath.Join(t.TempDir(), "cipcert.sauvegarde")
	if err := sauvegarde.Sauvegarder(ctx, source, fichier, sauvegarde.Options{}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+fichier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER documents_immuables`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE documents SET contenu = CAST('falsifié' AS BLOB) WHERE numero = (SELECT min(numero) FROM documents)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = sauvegarde.Restaurer(ctx, newDatabase(t, "sqlite"), fichier, sauvegarde.Options{})
	if err == nil || !strings.Contains(err.Error(), "altérée") {
		t.Fatalf("restore of an altered document: %v", err)
	}
}
