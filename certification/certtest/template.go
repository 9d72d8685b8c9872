package certtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/migrations"
)

// sqliteTemplate is a migrated SQLite database, built once per test
// process: a test copies it instead of migrating its own (a file copy
// against 12 ms of migrations).
var sqliteTemplate struct {
	once  sync.Once
	bytes []byte
	err   error
}

// sqliteCopy writes the migrated SQLite template into the test's temporary
// directory and returns its path.
func sqliteCopy(tb testing.TB) string {
	tb.Helper()
	sqliteTemplate.once.Do(func() { sqliteTemplate.bytes, sqliteTemplate.err = buildSQLiteTemplate() })
	if sqliteTemplate.err != nil {
		tb.Fatalf("SQLite template: %v", sqliteTemplate.err)
	}
	path := filepath.Join(tb.TempDir(), "test.db")
	if err := os.WriteFile(path, sqliteTemplate.bytes, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// buildSQLiteTemplate migrates a file and returns its bytes, the write-ahead
// log checkpointed into it.
func buildSQLiteTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "cipcert-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	if err := migrateTarget(path); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, fmt.Errorf("%s-wal is still there after closing the template", path)
	}
	return os.ReadFile(path)
}

// migrateTarget opens the database at target, migrates it and closes it.
func migrateTarget(target string) error {
	db, err := certification.Open(target)
	if err != nil {
		return err
	}
	sqlDB, err := db.DB.DB()
	if err == nil {
		_, err = migrations.Up(context.Background(), sqlDB, db.Dialect)
	}
	if err == nil && db.Dialect == "sqlite" {
		err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}
