package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cipcert/cipcert/migrations"
)

// TestKeptParams: a kept data set fits only the run whose schema version,
// sizes, seed and generator are its own.
func TestKeptParams(t *testing.T) {
	size := scaleSize{1000, 5000}
	want := wantParams(size, 42)
	if want.Schema != migrations.Latest() || want.ParSession != scaleParSession || want.Generator == "" {
		t.Fatalf("wantParams = %+v", want)
	}
	if again := wantParams(size, 42); again != want {
		t.Errorf("the fingerprint moves between two calls: %+v, %+v", want, again)
	}
	if why := mismatch(want, want); why != "" {
		t.Errorf("identical parameters mismatch: %s", why)
	}
	older := want
	older.Schema--
	for _, c := range []struct {
		have keptParams
		says string
	}{
		{older, "schema version"},
		{wantParams(scaleSize{1000, 6000}, 42), "results 6000, wanted 5000"},
		{wantParams(size, 43), "seed 43, wanted 42"},
		{wantParams(scaleSize{2000, 5000}, 42), "generator"}, // its plan of candidats counts them
	} {
		if why := mismatch(c.have, want); !strings.Contains(why, c.says) {
			t.Errorf("mismatch(%+v) = %q, want it to say %q", c.have, why, c.says)
		}
	}
}

// TestKeep follows a kept database through its life on PostgreSQL: made
// and dropped when its generation does not end, kept once marked, reused
// with its rows and without the settings a run left on it, generated again
// when the seed differs, and a database of that name that is not one of
// ours left alone.
func TestKeep(t *testing.T) {
	pg := os.Getenv("TEST_DATABASE_URL")
	if pg == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	prefix := fmt.Sprintf("cipcert_scale_test_%d_", rand.Uint32())
	size := scaleSize{7, 21}
	name := keptName(prefix, size)
	open := func() *env {
		t.Helper()
		// The binary is not run: openKept only manages the database.
		e, err := openEnv(ctx, config{bin: "/nonexistent/cipcert", pg: pg})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Cleanup(func() {
		e := open()
		e.dbs = []string{name}
		if err := e.close(); err != nil {
			t.Error(err)
		}
	})
	exists := func() (*keptSet, bool) {
		t.Helper()
		e := open()
		defer e.close()
		set, ok, err := e.readKept(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return set, ok
	}
	inKept := func(sql string) string {
		t.Helper()
		u, _ := url.Parse(pg)
		u.Path = "/" + name
		conn, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var out string
		if !strings.HasPrefix(sql, "SELECT") {
			_, err = conn.Exec(ctx, sql)
		} else {
			err = conn.QueryRow(ctx, sql).Scan(&out)
		}
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}

	// A generation that does not end leaves nothing behind.
	e := open()
	if _, set, err := e.openKept(ctx, prefix, size, 5); err != nil || set != nil {
		t.Fatalf("openKept of a new data set: %v, %v", set, err)
	}
	if set, ok := exists(); !ok || set != nil {
		t.Fatalf("while generating: exists %v, record %v", ok, set)
	}
	if err := e.close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := exists(); ok {
		t.Fatal("a data set never marked kept outlived its run")
	}

	// Generated and marked: it outlives the run.
	e = open()
	if _, _, err := e.openKept(ctx, prefix, size, 5); err != nil {
		t.Fatal(err)
	}
	inKept(`CREATE TABLE genere AS SELECT 'oui'::text AS v`)
	gen := &GenReport{Seed: 5, Candidats: 7, Resultats: 21}
	if err := e.markKept(ctx, name, keptSet{Params: wantParams(size, 5), Gen: gen}); err != nil {
		t.Fatal(err)
	}
	if err := e.exec(ctx, "ALTER DATABASE "+name+" SET work_mem = '7MB'"); err != nil {
		t.Fatal(err)
	}
	if err := e.close(); err != nil {
		t.Fatal(err)
	}

	// Reused, by a run of any seed or of its own, with its rows, without
	// the setting the last run left.
	for _, seed := range []int64{0, 5} {
		e = open()
		_, set, err := e.openKept(ctx, prefix, size, seed)
		if err != nil || set == nil || set.Gen == nil || set.Gen.Resultats != 21 || set.Params.Seed != 5 {
			t.Fatalf("seed %d: reuse gave %+v, %v", seed, set, err)
		}
		if !strings.HasSuffix(e.dbURL, "/"+name) && !strings.Contains(e.dbURL, "/"+name+"?") {
			t.Errorf("server database %s, want %s", e.dbURL, name)
		}
		if err := e.close(); err != nil {
			t.Fatal(err)
		}
		if v := inKept(`SELECT v FROM genere`); v != "oui" {
			t.Errorf("seed %d: the kept rows read %q", seed, v)
		}
		if n := inKept(`SELECT count(*)::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()`); n != "0" {
			t.Errorf("seed %d: %s settings left on the reused database", seed, n)
		}
	}

	// Another seed: generated again, from an empty database.
	e = open()
	if _, set, err := e.openKept(ctx, prefix, size, 6); err != nil || set != nil {
		t.Fatalf("seed 6: %+v, %v", set, err)
	}
	if n := inKept(`SELECT count(*)::text FROM pg_tables WHERE tablename = 'genere'`); n != "0" {
		t.Error("the data set of another seed was reused")
	}
	if err := e.close(); err != nil {
		t.Fatal(err)
	}

	// A database of that name that is not ours stays as it is.
	e = open()
	defer e.close()
	if err := e.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	inKept(`CREATE TABLE autre AS SELECT 'à garder'::text AS v`)
	if _, _, err := e.openKept(ctx, prefix, size, 5); err == nil || !strings.Contains(err.Error(), "no data set kept") {
		t.Fatalf("openKept over a database not its own: %v", err)
	}
	if v := inKept(`SELECT v FROM autre`); v != "à garder" {
		t.Errorf("the other database reads %q", v)
	}
}
