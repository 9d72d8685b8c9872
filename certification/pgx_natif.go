package certification

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// avecPgx runs fn on one connection of pool g as pgx's own *pgx.Conn
// (PostgreSQL only). On the hot paths, pgx's typed scanning and its
// batches (several statements in one round trip) cost a fraction of what
// database/sql's adapter spends converting and checking each column by
// reflection. fn must leave the connection as it found it: no transaction
// open, nothing pending; the connection goes back to g's pool afterwards.
func avecPgx(ctx context.Context, g *gorm.DB, fn func(*pgx.Conn) error) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("avecPgx: connexion %T, pas pgx", dc)
		}
		return fn(c.Conn())
	})
}
