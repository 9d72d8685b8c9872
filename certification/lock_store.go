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

// lockSession locks a session's row (see lockRow). It orders the
// transactions that touch a session's results and documents: recording a
// result takes it shared, so recordings run side by side, each protected
// from lost updates by its own version check; signing, deliberating,
// correcting and issuing documents take it exclusively, so that they read
// every result committed before them, no recording slips in between, and
// two issuers of one session do not both issue its documents. An id that
// is not a UUID names no row: there is nothing to lock, and the caller's
// lookup reports it as not found.
func lockSession(tx *gorm.DB, id string, mode lockMode) error {
	if !validID(id) {
		return nil
	}
	return lockRow(tx, mode, "sessions", "id = ?", id)
}
