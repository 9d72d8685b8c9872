package certification

import (
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// lignes are the rows the hand scanners of the reads walk: database/sql's
// on SQLite, pgx's own on PostgreSQL. Both scan into the same
// destinations, so that each read has one scanning code for both dialects.
type lignes interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// parcourir runs q, a query GORM has been told (Raw, or Table, Select,
// Where…) but has not run, and hands its rows to scan. On PostgreSQL the
// statement outside a transaction goes through pgx itself: database/sql's adapter checked each
// destination of each column by reflection, the first entry of a parcours
// read's CPU profile. The statement is traced through q's logger as GORM
// traces its own, so that logs and statement counts see it.
func parcourir(q *gorm.DB, scan func(lignes) error) error {
	// Inside a transaction the statement must run on the transaction's
	// connection, which pgx is not handed: database/sql runs it there.
	_, enTransaction := q.Statement.ConnPool.(gorm.TxCommitter)
	if enTransaction || q.Dialector.Name() != "postgres" {
		rows, err := q.Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
		return rows.Err()
	}
	// A dry run builds the statement and its arguments, with the
	// subqueries and the IN lists expanded, without sending it; its own
	// trace is discarded, the statement being traced once it has run.
	var dest []map[string]any
	built := q.Session(&gorm.Session{DryRun: true, Logger: logger.Discard}).Find(&dest)
	if built.Error != nil {
		return built.Error
	}
	ctx, sql, vars := built.Statement.Context, built.Statement.SQL.String(), built.Statement.Vars
	begin, n := time.Now(), int64(0)
	err := avecPgx(ctx, q, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, sql, vars...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
		rows.Close()
		n = rows.CommandTag().RowsAffected()
		return rows.Err()
	})
	q.Logger.Trace(ctx, begin, func() (string, int64) { return q.Dialector.Explain(sql, vars...), n }, err)
	return err
}
