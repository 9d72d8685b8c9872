package certification

import (
	"fmt"

	"gorm.io/gorm"
)

// lockMode says how a transaction holds a row it locks.
type lockMode int

const (
	// lockShared lets other shared holders run side by side and keeps
	// exclusive ones waiting until the transaction ends.
	lockShared lockMode = iota
	// lockExclusive waits for every other holder and keeps every other
	// locker waiting until the transaction ends. It never blocks plain
	// reads, nor inserts referencing the row (PostgreSQL's NO KEY UPDATE).
	lockExclusive
)

// lockRow locks the rows of table matching where until tx ends: the one
// way this package serialises transactions on a row (a session, a
// numbering counter).
//
// On PostgreSQL it is SELECT … FOR SHARE or FOR NO KEY UPDATE. On SQLite it
// does nothing, and needs to do nothing: Open gives SQLite a single
// connection, which a transaction holds from its first statement to its
// end, so transactions already run one after the other and each one sees
// every change committed before it.
func lockRow(tx *gorm.DB, mode lockMode, table, where string, args ...any) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	if err := tx.Exec("SELECT 1 FROM "+table+" WHERE "+where+" "+lockClause(mode), args...).Error; err != nil {
		return fmt.Errorf("store: lock %s %v: %w", table, args, err)
	}
	return nil
}

// lockClause is PostgreSQL's locking clause for mode, for a read that
// takes its lock in the same statement.
func lockClause(mode lockMode) string {
	if mode == lockExclusive {
		return "FOR NO KEY UPDATE"
	}
	return "FOR SHARE"
}

// lockSessionSQL takes a session's lock on PostgreSQL: a transaction-scoped
// advisory lock keyed from the session's id, so that no other use of
// advisory locks meets it by chance (a 64-bit hash: two sessions sharing a
// key would only wait for each other).
var lockSessionSQL = map[lockMode]string{
	lockShared:    "SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))",
	lockExclusive: "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
}

// lockSession locks a session until tx ends. It orders the transactions
// that touch a session's results and documents: recording a result takes
// it shared, so recordings run side by side, each protected from lost
// updates by its own version check; signing, deliberating, correcting,
// issuing documents and every change of the session's status take it
// exclusively, so that they read every result committed before them, no
// recording slips in between, and two issuers of one session do not both
// issue its documents. An id that is not a UUID names no row: there is
// nothing to lock, and the caller's lookup reports it as not found.
//
// On PostgreSQL the lock is an advisory lock, not the session's row:
// recordings take it many at a time, and FOR SHARE by several transactions
// at once writes the row (a MultiXact in its xmax, WAL, a dirty page), so
// that a recording which writes nothing (the decision sent again) still
// had a transaction id and flushed the WAL at its commit, and every
// recording queued on the row's page. An advisory lock lives in memory
// only. It must be taken in a statement of its own before the reads it
// guards: under READ COMMITTED a statement's snapshot is taken before it
// waits for a lock, and each later statement sees what the holder it
// waited for committed. The exclusive mode also locks the row, as before,
// so that it still waits for, and holds off, the writes of the session's
// row that take no advisory lock (the CERES declaration). On SQLite there
// is nothing to lock (see lockRow).
func lockSession(tx *gorm.DB, id string, mode lockMode) error {
	if !validID(id) || tx.Dialector.Name() != "postgres" {
		return nil
	}
	if err := tx.Exec(lockSessionSQL[mode], id).Error; err != nil {
		return fmt.Errorf("store: lock session %s: %w", id, err)
	}
	if mode == lockExclusive {
		return lockRow(tx, mode, "sessions", "id = ?", id)
	}
	return nil
}
