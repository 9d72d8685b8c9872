package certification

import (
	"context"
	"strconv"
	"strings"
	"sync"
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
	return surPgx(q, built.Statement.Context, built.Statement.SQL.String(), built.Statement.Vars, scan)
}

// parcourirBrut runs query, written as GORM's Raw takes it (a ? for each
// argument, IN ? for a list), with args, and hands its rows to scan. On
// PostgreSQL outside a transaction, each IN ? becomes = ANY($n) with the
// list as one array: the statement's text no longer depends on the
// lists' lengths, so that each connection prepares it once, and GORM no
// longer rewrites a long statement byte by byte at each request (a sixth
// of a list page's CPU time).
func parcourirBrut(db *gorm.DB, query string, args []any, scan func(lignes) error) error {
	_, enTransaction := db.Statement.ConnPool.(gorm.TxCommitter)
	if enTransaction || db.Dialector.Name() != "postgres" {
		return parcourir(db.Raw(query, args...), scan)
	}
	return surPgx(db, db.Statement.Context, enTableaux(query), args, scan)
}

// enTableaux is query with its placeholders numbered, each IN ? read as
// = ANY($n). The statements are constants: each is rewritten once.
func enTableaux(query string) string {
	if s, ok := tableaux.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		switch {
		case strings.HasPrefix(query[i:], "IN ?"):
			n++
			b.WriteString("= ANY($" + strconv.Itoa(n) + ")")
			i += len("IN ?") - 1
		case query[i] == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
		default:
			b.WriteByte(query[i])
		}
	}
	tableaux.Store(query, b.String())
	return b.String()
}

// tableaux holds enTableaux's rewritten statements, by their Raw form.
var tableaux sync.Map

// surPgx runs sql with vars on one of db's pool connections through pgx
// and traces it through db's logger as GORM traces its own statements.
func surPgx(db *gorm.DB, ctx context.Context, sql string, vars []any, scan func(lignes) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	begin, n := time.Now(), int64(0)
	err := avecPgx(ctx, db, func(c *pgx.Conn) error {
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
	db.Logger.Trace(ctx, begin, func() (string, int64) { return db.Dialector.Explain(sql, vars...), n }, err)
	return err
}
