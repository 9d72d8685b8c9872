package certification

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/glebarez/sqlite"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB is an open database and the dialect of its SQL ("postgres" or "sqlite").
type DB struct {
	*gorm.DB
	Dialect string
	// search is a small pool whose statements are planned for their
	// values every time (PostgreSQL only; nil otherwise). The driver
	// prepares and caches statements, and after five runs PostgreSQL may
	// switch one to a generic plan: for the name search, whose best plan
	// depends on how many names start with the prefix, that is a walk of
	// the ids costing hundreds of milliseconds instead of an index read of
	// a few. Every other statement keeps its cached plan: planning each
	// time halved the throughput of result recording and parcours reads.
	search *gorm.DB
	// reader is a pool of read-only connections (SQLite only; nil
	// otherwise). SQLite admits one writer at a time, so the embedded
	// database's writes go through DB's single connection and queue
	// there; reads outside a transaction take a connection of their own
	// and, in WAL mode, see the last commit while a write transaction
	// runs: issuing a session's documents no longer stalls every page.
	// Reads inside a write transaction stay on its connection and see its
	// writes.
	reader *gorm.DB
	// url is the PostgreSQL URL it was opened with, for the job queue's
	// own pool; empty for SQLite.
	url string
	// invalidation keeps the process's copies of this database current,
	// jetons is its copy of the tokens resolved (invalidation.go).
	invalidation *invalidation
	jetons       *jetonsCache
}

// PostgresURL returns the URL the PostgreSQL database was opened with, or
// "" for SQLite: the job queue opens its own pool there.
func (db *DB) PostgresURL() string { return db.url }

// SetLogger makes every pool of db (writer, readers, search) log through
// l: a statement goes through whichever pool its caller picked, and a log
// or a count must see them all.
func (db *DB) SetLogger(l logger.Interface) {
	db.Config.Logger = l
	for _, p := range []*gorm.DB{db.reader, db.search} {
		if p != nil {
			p.Config.Logger = l
		}
	}
}

// forSearch is the pool for statements whose plan depends on their values.
func (db *DB) forSearch() *gorm.DB {
	if db.search != nil {
		return db.search
	}
	return db.forRead()
}

// forRead is the pool for reads outside a transaction.
func (db *DB) forRead() *gorm.DB {
	if db.reader != nil {
		return db.reader
	}
	return db.DB
}

// sqliteReaders is the size of the embedded database's read pool.
const sqliteReaders = 4

// Open connects to url: a postgres:// URL, or else the path of an SQLite file
// (created if missing). SQLite gets foreign keys on, WAL, one connection for
// writes, so that transactions serialise instead of failing with "database
// is locked", and a few query-only connections for reads outside a
// transaction; a lock held by another process is waited for up to 10 s, or
// the milliseconds of a "?busy_timeout=" after the path.
func Open(url string) (*DB, error) {
	// Each pool gets a configuration of its own: gorm.Open keeps the
	// *Config it is given and writes its pool, dialector and plugins into
	// it, which pools sharing one would overwrite in each other.
	cfg := func() *gorm.Config {
		return &gorm.Config{
			Logger:                 logger.Discard,
			SkipDefaultTransaction: true,
			NowFunc:                func() time.Time { return time.Now().UTC() },
			TranslateError:         true,
		}
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		// A database that does not answer must fail a request fast, not hang it.
		url = withParam(url, "connect_timeout", "5")
		g, err := openPostgres(url, cfg(), 32)
		if err != nil {
			return nil, err
		}
		search, err := openPostgres(withParam(url, "plan_cache_mode", "force_custom_plan"), cfg(), 8)
		if err != nil {
			closeGorm(g)
			return nil, err
		}
		iv := newInvalidation(true)
		if err := g.Use(newReferentielCache(iv)); err != nil {
			closeGorm(g)
			closeGorm(search)
			return nil, err
		}
		db := &DB{DB: g, Dialect: "postgres", search: search, url: url, invalidation: iv, jetons: newJetonsCache(iv)}
		iv.demarrer(url)
		return db, nil
	}
	path, busy, err := sqliteBusyTimeout(strings.TrimPrefix(url, "sqlite://"))
	if err != nil {
		return nil, err
	}
	// Transactions begin IMMEDIATE: a deferred one takes the write lock at
	// its first write, after its first read, and SQLite then answers BUSY at
	// once, without waiting, when another process (cipcert user create on
	// the live file) holds the lock. Taken at BEGIN, the lock is waited for
	// up to the busy timeout.
	dsn := "file:" + path + "?_txlock=immediate&_pragma=foreign_keys(1)&_pragma=busy_timeout(" + strconv.Itoa(busy) +
		")&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	g, err := gorm.Open(sqlite.Open(dsn), cfg())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	iv := newInvalidation(false)
	cache := newReferentielCache(iv)
	if err := g.Use(cache); err != nil {
		closeGorm(g)
		return nil, err
	}
	// The readers are opened after the writer has put the file in WAL
	// mode. query_only makes any write through them an error, so that a
	// write cannot bypass the writer's queue. They share the référentiel
	// copy, which checks its generation at each use.
	reader, err := gorm.Open(sqlite.Open("file:"+path+"?_pragma=query_only(1)&_pragma=foreign_keys(1)&_pragma=busy_timeout("+
		strconv.Itoa(busy)+")"), cfg())
	if err != nil {
		closeGorm(g)
		return nil, fmt.Errorf("open sqlite %s for reads: %w", path, err)
	}
	readDB, err := reader.DB()
	if err != nil {
		closeGorm(g)
		return nil, err
	}
	readDB.SetMaxOpenConns(sqliteReaders)
	readDB.SetMaxIdleConns(sqliteReaders)
	if err := reader.Use(cache); err != nil {
		closeGorm(g)
		closeGorm(reader)
		return nil, err
	}
	return &DB{DB: g, Dialect: "sqlite", reader: reader, invalidation: iv, jetons: newJetonsCache(iv)}, nil
}

// sqliteBusyTimeout splits an optional "?busy_timeout=MS" off an SQLite path.
func sqliteBusyTimeout(path string) (string, int, error) {
	path, query, ok := strings.Cut(path, "?")
	if !ok {
		return path, 10000, nil
	}
	v, ok := strings.CutPrefix(query, "busy_timeout=")
	ms, err := strconv.Atoi(v)
	if !ok || err != nil || ms < 0 {
		return "", 0, fmt.Errorf("open sqlite %s: only ?busy_timeout=MS may follow the path, got %q", path, query)
	}
	return path, ms, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

func openPostgres(url string, cfg *gorm.Config, conns int) (*gorm.DB, error) {
	g, err := gorm.Open(postgres.Open(url), cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return g, nil
}

// Close stops listening for invalidations and closes the connection pools.
func (db *DB) Close() error {
	db.invalidation.arreter()
	if db.search != nil {
		closeGorm(db.search)
	}
	if db.reader != nil {
		closeGorm(db.reader)
	}
	return closeGorm(db.DB)
}

func closeGorm(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// isUniqueViolation reports a unique constraint failure, which GORM
// translates for both dialects.
func isUniqueViolation(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// Unavailable reports whether err means the database cannot serve the
// request right now (down, restarting, connection lost, or an SQLite file
// locked by another process beyond the busy timeout) rather than that the
// request is wrong: the transport answers 503 and the client may retry.
// Errors are recognised by their type and code, never by their message.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: shutdown, crash, not
		// yet accepting connections; 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") || pgErr.Code == "53300"
	}
	var liteErr *gosqlite.Error
	if errors.As(err, &liteErr) {
		// The primary code, without the extended bits: SQLITE_BUSY (5),
		// SQLITE_LOCKED (6).
		code := liteErr.Code() & 0xff
		return code == 5 || code == 6
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded)
}

// withParam adds a query parameter to a connection URL unless it is set.
func withParam(url, key, value string) string {
	if strings.Contains(url, key+"=") {
		return url
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + key + "=" + value
}

// wrap annotates a storage error with what was being done to which row
// ("store: session 0192…: load: …"), so that a logged 500 says what failed.
// nil and the domain's own *Error pass through unchanged: they carry their
// kind and French message to the transport, which must still map them.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

// validID reports whether id could be one of ours, a UUID. Anything else
// names no row and must not reach the database: PostgreSQL fails on text
// holding a NUL or bytes that are not UTF-8.
func validID(id string) bool { return uuid.Validate(id) == nil }

// nullable gives a column value: the pointed value, or NULL for nil.
func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
