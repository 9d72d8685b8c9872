package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/migrations"
)

// openSQLiteFile opens a migrated SQLite file the way the server does, with
// the busy timeout given, and returns its path for a second process.
func openSQLiteFile(t *testing.T, busyMS string) (*certification.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "verrou.db")
	db, err := certification.Open(path + "?busy_timeout=" + busyMS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Up(context.Background(), sqlDB, db.Dialect); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// holdWriteLock takes the file's write lock from another connection, as
// `cipcert user create` on the live file does, until release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Errorf("release the write lock: %v", err)
		}
		conn.Close()
	}
	t.Cleanup(release)
	return release
}

var jury3 = map[string]any{"identifiant": "jury3", "nom": "Claire Dubois", "mot_de_passe": "jury3-demo-cipcert", "role": "jury"}

// TestSQLiteLockedAnswers503 holds the write lock from another connection
// beyond the busy timeout: the write answers 503 with Retry-After (the
// client may retry), not 500, and writes nothing.
func TestSQLiteLockedAnswers503(t *testing.T) {
	t.Parallel()
	db, path := openSQLiteFile(t, "50")
	a := newAPI(t, db)
	before := a.count("utilisateurs")
	release := holdWriteLock(t, path)
	rec := a.as("admin", "POST", "/api/v1/utilisateurs", jury3)
	release()
	wantCode(t, rec, http.StatusServiceUnavailable, "base_indisponible")
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if got := a.count("utilisateurs"); got != before {
		t.Errorf("%d accounts, had %d: a refused write wrote", got, before)
	}
	// Once the lock is released, the same request succeeds.
	if rec := a.as("admin", "POST", "/api/v1/utilisateurs", jury3); rec.Code != http.StatusCreated {
		t.Fatalf("after the lock: %d %s", rec.Code, rec.Body)
	}
}

// TestSQLiteWriteWaitsForLock holds the write lock while a write is sent,
// and releases it once the request is under way: the write waits for the
// lock (within the busy timeout) and succeeds instead of failing at once.
func TestSQLiteWriteWaitsForLock(t *testing.T) {
	t.Parallel()
	db, path := openSQLiteFile(t, "10000")
	a := newAPI(t, db)
	release := holdWriteLock(t, path)
	started := make(chan struct{})
	answered := make(chan int, 1)
	go func() {
		close(started)
		answered <- a.as("admin", "POST", "/api/v1/utilisateurs", jury3).Code
	}()
	<-started
	release()
	if code := <-answered; code != http.StatusCreated {
		t.Fatalf("write under contention: %d, want 201", code)
	}
}

// TestSQLiteTransactionsBeginImmediate shows why a write waits: the
// server's transactions take the write lock at BEGIN, where SQLite applies
// the busy timeout. A deferred transaction takes it at its first write,
// after a read, and SQLite then answers BUSY at once.
func TestSQLiteTransactionsBeginImmediate(t *testing.T) {
	t.Parallel()
	db, path := openSQLiteFile(t, "50")
	tx := db.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Exec("BEGIN IMMEDIATE")
	if err == nil {
		_, _ = other.Exec("ROLLBACK")
		t.Fatal("another connection took the write lock while a server transaction was open: transactions begin DEFERRED")
	}
	if !certification.Unavailable(err) {
		t.Errorf("a locked database is not reported unavailable: %v", err)
	}
}
