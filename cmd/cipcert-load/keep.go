package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/migrations"
)

// `cipcert-load scale -keep` keeps each generated data set in a database of
// its own, named after its size (cipcert_scale_<candidats>_<results>), and
// serves it again on the next -keep run instead of generating it anew: at
// 1 M candidats the generation takes minutes and about 10 GB of disk
// written. The database's comment records what made it (the schema
// version, the generation's parameters and a fingerprint of the
// generator's SQL and word lists); a run whose own differ drops it and
// generates again, so that a kept set is never measured against a schema
// or a generator it was not made by. A database of that name without the
// comment is not ours: the run stops rather than drop it. Without -keep,
// every database is a scratch one, dropped at the end.

// keptPrefix begins the name of every kept data set; the scratch databases
// are cipcert_load_<random>, so neither is taken for the other.
const keptPrefix = "cipcert_scale_"

// keptMarker begins the comment of a kept database; keptGenerating follows
// it while the data set is being made, the JSON of a keptSet once it is.
const (
	keptMarker     = "cipcert-load scale data set: "
	keptGenerating = "generating"
)

// scaleParSession is the session size of the scale runs' data sets.
const scaleParSession = 50

// keptParams is what a data set depends on: a kept one is reused only when
// all of them match.
type keptParams struct {
	Schema     int64  `json:"schema"` // goose version
	Candidats  int    `json:"candidats"`
	Resultats  int    `json:"resultats"`
	ParSession int    `json:"par_session"`
	Seed       int64  `json:"seed"`
	Generator  string `json:"generator"` // generatorFingerprint
}

// keptSet is the record in a kept database's comment.
type keptSet struct {
	Params    keptParams `json:"params"`
	Generated time.Time  `json:"generated"`
	Gen       *GenReport `json:"generation"`
}

func keptName(prefix string, s scaleSize) string {
	return fmt.Sprintf("%s%d_%d", prefix, s.Candidats, s.Resultats)
}

// wantParams are the parameters a data set of size needs for a run of
// this build with seed.
func wantParams(size scaleSize, seed int64) keptParams {
	return keptParams{Schema: migrations.Latest(), Candidats: size.Candidats, Resultats: size.Resultats,
		ParSession: scaleParSession, Seed: seed, Generator: generatorFingerprint(seed, int64(size.Candidats), scaleParSession)}
}

// generatorFingerprint hashes what the generated rows are computed from
// besides the parameters: the generator's statements and its word lists.
// Its statements for the inscriptions plan take counts known only while
// generating; placeholders stand for them, their SQL is hashed all the same.
func generatorFingerprint(seed, candidats int64, parSession int) string {
	g := &sqlGen{seed: seed}
	h := sha256.New()
	for _, s := range []string{g.habilitationsSQL(), g.planCandidatsSQL(candidats), g.candidatsSQL(), g.ecfSQL(),
		g.anterieursSQL(), g.planEligiblesSQL(), g.planInscriptionsSQL(1, 1, 1, int64(parSession)), g.planSessionsSQL(),
		g.sessionsSQL(), g.sessionBlocsSQL(), g.sessionJurySQL(), g.planOutcomesSQL(), g.inscriptionsSQL(),
		g.inscriptionBlocsSQL(), g.evaluationsSQL()} {
		h.Write([]byte(s))
	}
	for _, s := range certification.RecompterStatistiquesSQL {
		h.Write([]byte(s))
	}
	// The rule engine's explanations go into every deliberated inscription.
	tpl, err := explicationTemplates(registrationStart, lastSession, []string{"CCP1", "CCP2", "CCP3"})
	fmt.Fprint(h, noms, prenomsF, prenomsM, villes, motifs, observations, tpl, err)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// mismatch says how have differs from want, or "" when the data set fits.
func mismatch(have, want keptParams) string {
	var diff []string
	field := func(name string, h, w any) {
		if h != w {
			diff = append(diff, fmt.Sprintf("%s %v, wanted %v", name, h, w))
		}
	}
	field("schema version", have.Schema, want.Schema)
	field("candidats", have.Candidats, want.Candidats)
	field("results", have.Resultats, want.Resultats)
	field("candidats per session", have.ParSession, want.ParSession)
	field("seed", have.Seed, want.Seed)
	field("generator", have.Generator, want.Generator)
	return strings.Join(diff, "; ")
}

// readKept reads the record of the database name: exists is false when
// there is no such database, set nil when it is one of ours left
// incomplete (its generation was interrupted). A database of that name
// that is not ours is an error.
func (e *env) readKept(ctx context.Context, name string) (set *keptSet, exists bool, err error) {
	db, err := e.admin.DB()
	if err != nil {
		return nil, false, err
	}
	var comment sql.NullString
	err = db.QueryRowContext(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, name).Scan(&comment)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rest, ours := strings.CutPrefix(comment.String, keptMarker)
	if !ours {
		return nil, true, fmt.Errorf("database %s exists but is no data set kept by cipcert-load scale (its comment is %q): "+
			"drop it or run without -keep", name, comment.String)
	}
	var s keptSet
	if rest == keptGenerating || json.Unmarshal([]byte(rest), &s) != nil {
		return nil, true, nil
	}
	return &s, true, nil
}

// openKept finds the data set kept for size. When it fits a run with seed
// (any seed if 0), it is returned and the server's database set to it.
// Otherwise the database, if any, is dropped and created again, empty,
// marked as being generated and listed among the databases close drops,
// until markKept keeps it: the caller migrates, seeds and generates it.
func (e *env) openKept(ctx context.Context, prefix string, size scaleSize, seed int64) (name string, set *keptSet, err error) {
	name = keptName(prefix, size)
	set, exists, err := e.readKept(ctx, name)
	if err != nil {
		return name, nil, err
	}
	u, _ := url.Parse(e.pgURL)
	u.Path = "/" + name
	if set != nil {
		if seed == 0 {
			seed = set.Params.Seed
		}
		why := mismatch(set.Params, wantParams(size, seed))
		if why == "" {
			progress("scale: reusing the data set kept in %s (generated %s, seed %d, schema version %d)",
				name, set.Generated.Format(time.DateTime), set.Params.Seed, set.Params.Schema)
			e.dbURL = u.String()
			// The last run's auto_explain settings are left on the database.
			return name, set, e.exec(ctx, "ALTER DATABASE "+name+" RESET ALL")
		}
		progress("scale: the data set kept in %s does not fit this run (%s): generating it again", name, why)
	} else if exists {
		progress("scale: the data set in %s was left incomplete: generating it again", name)
	}
	if exists {
		if err := e.exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return name, nil, err
		}
	}
	if err := e.exec(ctx, "CREATE DATABASE "+name); err != nil {
		return name, nil, err
	}
	e.dbs = append(e.dbs, name)
	e.dbURL = u.String()
	return name, nil, e.comment(ctx, name, keptGenerating)
}

// markKept records set in the database's comment and takes the database off
// the list close drops.
func (e *env) markKept(ctx context.Context, name string, set keptSet) error {
	b, err := json.Marshal(set)
	if err != nil {
		return err
	}
	if err := e.comment(ctx, name, string(b)); err != nil {
		return err
	}
	e.dbs = slices.DeleteFunc(e.dbs, func(n string) bool { return n == name })
	return nil
}

func (e *env) comment(ctx context.Context, name, text string) error {
	return e.exec(ctx, "COMMENT ON DATABASE "+name+" IS '"+strings.ReplaceAll(keptMarker+text, "'", "''")+"'")
}

func (e *env) exec(ctx context.Context, stmt string) error {
	if err := e.admin.WithContext(ctx).Exec(stmt).Error; err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}
