package certification

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
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
}

// Open connects to url: a postgres:// URL, or else the path of an SQLite file
// (created if missing). SQLite gets foreign keys on and one connection, so
// that transactions serialise instead of failing with "database is locked".
func Open(url string) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		// A database that does not answer must fail a request fast, not hang it.
		url = withParam(url, "connect_timeout", "5")
		// The driver prepares and caches statements; after five runs
		// PostgreSQL may switch one to a generic plan, which for a name
		// search is a walk of the primary key instead of the name index.
		// Planning each time costs microseconds; a wrong plan, seconds.
		url = withParam(url, "plan_cache_mode", "force_custom_plan")
		g, err := gorm.Open(postgres.Open(url), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := g.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{DB: g, Dialect: "postgres"}, nil
	}
	path := strings.TrimPrefix(url, "sqlite://")
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	g, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	return &DB{DB: g, Dialect: "sqlite"}, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// isUniqueViolation reports a unique constraint failure, which GORM
// translates for both dialects.
func isUniqueViolation(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// sqliteLower is LOWER for every script. SQLite's own LOWER folds ASCII only,
// so that on SQLite nom=éluard would not find "Éluard" while PostgreSQL
// finds it; both now fold the way strings.ToLower folds the filter.
const sqliteLower = "cipcert_lower"

func init() {
	gosqlite.MustRegisterDeterministicScalarFunction(sqliteLower, 1,
		func(_ *gosqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return strings.ToLower(v), nil
			case []byte:
				return strings.ToLower(string(v)), nil
			}
			return args[0], nil
		})
}

// Unavailable reports whether err means the database cannot be reached
// right now (down, restarting, connection lost) rather than that the request
// is wrong: the transport answers 503 and the client may retry.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: shutdown, crash, not yet accepting connections.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "conn closed")
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
