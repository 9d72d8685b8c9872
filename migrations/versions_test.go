package migrations

import (
	"database/sql"
	"os"
	"regexp"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	"github.com/pressly/goose/v3"
)

// migrationFile is how a version's file is named: its number, an
// underscore, what it does.
var migrationFile = regexp.MustCompile(`^[0-9]{5}_[a-z0-9_]+\.(sql|go)$`)

// TestVersionsContiguous reads the directory as a person adding a version
// would: one file per version, 1..N without a gap or a duplicate, each with
// an up and a down, and goose applies exactly those.
func TestVersionsContiguous(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	byVersion := map[int64]string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, "_test.go") || !migrationFile.MatchString(name) {
			continue
		}
		v, err := goose.NumericComponent(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if other, dup := byVersion[v]; dup {
			t.Errorf("version %d is both %s and %s", v, other, name)
		}
		byVersion[v] = name
		if strings.HasSuffix(name, ".sql") {
			checkSQLFile(t, name)
		} else {
			checkGoFile(t, name, v)
		}
	}
	n := int64(len(byVersion))
	if n == 0 {
		t.Fatal("no migration file")
	}
	for v := int64(1); v <= n; v++ {
		if _, ok := byVersion[v]; !ok {
			t.Errorf("version %d is missing: versions run from 1 to %d without a gap", v, n)
		}
	}
	if Latest() != n {
		t.Errorf("Latest() = %d, want %d (the number of migration files)", Latest(), n)
	}
	for v := range goSources {
		if _, ok := byVersion[v]; !ok {
			t.Errorf("Go migration %d is registered by no file named %05d_….go", v, v)
		}
	}

	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, dialect := range []string{"postgres", "sqlite"} {
		p, err := provider(db, dialect)
		if err != nil {
			t.Fatalf("%s: %v", dialect, err)
		}
		src := p.ListSources()
		if int64(len(src)) != n {
			t.Errorf("%s: goose knows %d migrations, the directory has %d", dialect, len(src), n)
		}
		for i, s := range src {
			if s.Version != int64(i+1) {
				t.Errorf("%s: migration %d has version %d", dialect, i+1, s.Version)
			}
		}
	}
}

// checkSQLFile wants an up section followed by a down section, each with a
// statement.
func checkSQLFile(t *testing.T, name string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, okUp := strings.Cut(string(b), "\n-- +goose Up\n")
	up, down, okDown := strings.Cut(rest, "\n-- +goose Down\n")
	if !okUp || !okDown {
		t.Errorf("%s: want a `-- +goose Up` section then a `-- +goose Down` section", name)
		return
	}
	for section, body := range map[string]string{"up": up, "down": down} {
		if !hasStatement(body) {
			t.Errorf("%s: the %s section has no statement", name, section)
		}
	}
}

func hasStatement(body string) bool {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return true
		}
	}
	return false
}

// checkGoFile wants the file registered, and on each dialect either nothing
// to do or both an up and a down.
func checkGoFile(t *testing.T, name string, v int64) {
	t.Helper()
	m, ok := goSources[v]
	if !ok {
		t.Errorf("%s: no migration registered with version %d (its init must call registerDialectSQL)", name, v)
		return
	}
	some := false
	for dialect, q := range m {
		if (len(q.up) == 0) != (len(q.down) == 0) {
			t.Errorf("%s: on %s, up has %d statements and down %d: both or neither", name, dialect, len(q.up), len(q.down))
		}
		some = some || len(q.up) > 0 || q.upGo != nil || q.upDB != nil
	}
	if !some {
		t.Errorf("%s: no statement on any dialect", name)
	}
}
