package certification

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"
)

// The statistics read a summary (migration 22) rather than the enrolments:
// statistiques_sessions counts, per session and parcours, the deliberated
// candidats still enrolled by outcome; statistiques_ccp counts, per session
// and CCP, the live decisions of those candidats and the acquired ones.
//
// The store functions that change what the summary counts (an enrolment's
// outcome or withdrawal, a decision recorded, changed or revoked, a
// candidat's parcours) mark what they touched in the transaction's
// recompte; inTx then counts the marked sessions again, from their rows,
// before the commit. Recounting a session whole, rather than adding
// deltas, keeps the summary exact whatever the change; a session has tens
// of candidats, so it costs little. A store function that finds no
// recompte in its transaction fails rather than leave the summary behind.

// recompte is the set of what a transaction changed that the summary
// counts, carried by the transaction's context.
type recompte struct {
	inscriptions, evaluations, candidats []string
}

type cleRecompte struct{}

// avecRecompte returns ctx carrying a fresh recompte, and the recompte.
func avecRecompte(ctx context.Context) (context.Context, *recompte) {
	rc := &recompte{}
	return context.WithValue(ctx, cleRecompte{}, rc), rc
}

var errSansRecompte = errors.New("store: statistics summary: change made outside a service transaction")

func recompteDe(tx *gorm.DB) (*recompte, error) {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil, errSansRecompte
	}
	rc, ok := tx.Statement.Context.Value(cleRecompte{}).(*recompte)
	if !ok {
		return nil, errSansRecompte
	}
	return rc, nil
}

// marquerInscription notes that an enrolment's outcome or withdrawal changed.
func marquerInscription(tx *gorm.DB, id string) error {
	rc, err := recompteDe(tx)
	if err == nil {
		rc.inscriptions = append(rc.inscriptions, id)
	}
	return err
}

// marquerEvaluation notes that a decision was recorded, changed or revoked.
func marquerEvaluation(tx *gorm.DB, id string) error {
	rc, err := recompteDe(tx)
	if err == nil {
		rc.evaluations = append(rc.evaluations, id)
	}
	return err
}

// marquerCandidat notes that a candidat's row, and so perhaps its
// parcours, changed.
func marquerCandidat(tx *gorm.DB, id string) error {
	rc, err := recompteDe(tx)
	if err == nil {
		rc.candidats = append(rc.candidats, id)
	}
	return err
}

// lotRecompte bounds the ids of one statement, well under the parameters
// SQLite and PostgreSQL accept.
const lotRecompte = 500

// appliquer counts again, within tx, the sessions of what rc marked.
//
// An enrolment marked always recounts its session: it may have just
// stopped counting. A decision or a candidat recounts only the sessions
// where its enrolment counts (deliberated, not withdrawn): the jury records
// its decisions before the deliberation, which counts them, under the
// session's shared lock, and the exclusive lock a recount takes would make
// those recordings wait for one another.
//
// Each session is locked exclusively first, in id order (the callers that
// change results already hold it: locking again is free). On PostgreSQL
// every recount of a session thus runs after the previous one committed
// and reads what it wrote, so no recount overwrites a newer one.
func (rc *recompte) appliquer(tx *gorm.DB) error {
	if len(rc.inscriptions)+len(rc.evaluations)+len(rc.candidats) == 0 {
		return nil
	}
	var sessions []string
	add := func(q *gorm.DB, col string, ids []string) error {
		for lot := range slices.Chunk(ids, lotRecompte) {
			var ss []string
			if err := q.Session(&gorm.Session{}).Where(col+" IN ?", lot).Distinct().Pluck("i.session_id", &ss).Error; err != nil {
				return wrap(err, "store: statistics summary: sessions to recount")
			}
			sessions = append(sessions, ss...)
		}
		return nil
	}
	const comptee = "i.issue IS NOT NULL AND i.retiree_at IS NULL"
	base := func(table string) *gorm.DB { return tx.Session(&gorm.Session{NewDB: true}).Table(table) }
	if err := add(base("inscriptions AS i"), "i.id", rc.inscriptions); err != nil {
		return err
	}
	if err := add(base("evaluations AS e").Joins("JOIN inscriptions i ON i.id = e.inscription_id").Where(comptee), "e.id", rc.evaluations); err != nil {
		return err
	}
	if err := add(base("inscriptions AS i").Where(comptee), "i.candidat_id", rc.candidats); err != nil {
		return err
	}
	*rc = recompte{}
	slices.Sort(sessions)
	sessions = slices.Compact(sessions)
	for _, id := range sessions {
		if err := lockSession(tx, id, lockExclusive); err != nil {
			return err
		}
	}
	for lot := range slices.Chunk(sessions, lotRecompte) {
		if err := recompter(tx, "session_id IN ?", lot); err != nil {
			return err
		}
	}
	return nil
}

// sommaireSessionsSQL and sommaireCCPSQL compute the summary's rows from
// the enrolments and decisions, for the sessions the condition %s on
// session_id selects.
const (
	sommaireSessionsSQL = `INSERT INTO statistiques_sessions (session_id, parcours, candidats, titre, partiel, echec, absent)
	SELECT i.session_id, c.parcours, ` + effectifsSQL + `
	FROM inscriptions i JOIN candidats c ON c.id = i.candidat_id
	WHERE i.issue IS NOT NULL AND i.retiree_at IS NULL AND i.`
	sommaireCCPSQL = `INSERT INTO statistiques_ccp (session_id, bloc_id, evalues, acquis)
	SELECT i.session_id, e.bloc_id, COUNT(*), SUM(CASE WHEN e.decision = 'acquis' THEN 1 ELSE 0 END)
	FROM evaluations e JOIN inscriptions i ON i.id = e.inscription_id
	WHERE e.revoque_at IS NULL AND i.issue IS NOT NULL AND i.retiree_at IS NULL AND i.`
)

// sommaireSQL are the statements that replace the summary rows of the
// sessions that where (on session_id) selects by their count from the rows.
func sommaireSQL(where string) []string {
	return []string{
		"DELETE FROM statistiques_sessions WHERE " + where,
		"DELETE FROM statistiques_ccp WHERE " + where,
		sommaireSessionsSQL + where + " GROUP BY i.session_id, c.parcours",
		sommaireCCPSQL + where + " GROUP BY i.session_id, e.bloc_id",
	}
}

func recompter(tx *gorm.DB, where string, args ...any) error {
	for _, q := range sommaireSQL(where) {
		if err := tx.Exec(q, args...).Error; err != nil {
			return wrap(err, "store: statistics summary: recount")
		}
	}
	return nil
}

// RecompterStatistiquesSQL are the statements, without parameters, that
// rebuild the whole statistics summary from the enrolments and decisions,
// to run in one transaction. The service keeps the summary itself; this is
// for rows written around it, by a bulk load.
var RecompterStatistiquesSQL = sommaireSQL("session_id IS NOT NULL")

// RecompterStatistiques runs RecompterStatistiquesSQL on db.
func RecompterStatistiques(ctx context.Context, db *DB) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return recompter(tx, "session_id IS NOT NULL")
	})
}
