package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cipcert/cipcert/certification/texte"
)

// Puts the names and places stored before the service normalised its input
// in Unicode NFC, the composed form it now stores: a name typed decomposed
// ("Lefe\u0300vre") is then found by a search for "lefè" and compares equal
// to the same name typed composed. NFC is canonically equivalent to what
// was stored: the text reads and prints the same, nothing is lost, and the
// down has nothing to undo.
//
// Rows holding a character the service now refuses (invisible, zero-width,
// bidirectional override, soft hyphen, byte order mark, control) are not
// changed beyond NFC: they are listed in the log, table, id and column,
// for the operator. Those names are the civil identity the State
// certifies, some already printed on documents that never change;
// stripping characters here would rewrite an identity without a trace in
// the audit trail. The record is corrected the usual way: its next edit is
// refused until the centre removes the character, and a deliberated
// identity is rectified by the autorité, with a reason, in the audit trail.
//
// Issued documents and the audit trail are not touched: both are immutable
// (migrations 3 and 5), and they keep what was printed and done.
func init() {
	registerDialectSQL(dialectSQL{
		"postgres": {upGo: nomsNFC(func(i int) string { return fmt.Sprintf("$%d", i) })},
		"sqlite":   {upGo: nomsNFC(func(int) string { return "?" })},
	})
}

// nomsColonnes are the columns holding a person's name or a place.
var nomsColonnes = []struct {
	table   string
	columns []string
}{
	{"candidats", []string{"nom_naissance", "nom_usage", "prenoms", "lieu_naissance"}},
	{"jury_membres", []string{"nom", "prenoms"}},
	{"utilisateurs", []string{"nom"}},
	{"sessions", []string{"lieu", "responsable"}},
	{"centres", []string{"nom", "ville", "region"}},
}

// nomsNFC rewrites in NFC every value of nomsColonnes that is not, with the
// dialect's placeholder for the i-th argument.
func nomsNFC(placeholder func(i int) string) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range nomsColonnes {
			type change struct {
				id     string
				values []string
			}
			var changes []change
			rows, err := tx.QueryContext(ctx, "SELECT id, "+strings.Join(t.columns, ", ")+" FROM "+t.table)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				values := make([]string, len(t.columns))
				dest := []any{&id}
				for i := range values {
					dest = append(dest, &values[i])
				}
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return err
				}
				changed := false
				for i, v := range values {
					if n := texte.NFC(v); n != v {
						values[i], changed = n, true
					}
					if faute, r := texte.Verifier(values[i]); faute == texte.CaractereInterdit {
						slog.Warn("migration 12: a stored name holds a character the service now refuses; correct the record",
							"table", t.table, "id", id, "column", t.columns[i], "character", fmt.Sprintf("U+%04X", r))
					}
				}
				if changed {
					changes = append(changes, change{id, values})
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			set := make([]string, len(t.columns))
			for i, c := range t.columns {
				set[i] = c + " = " + placeholder(i+1)
			}
			update := "UPDATE " + t.table + " SET " + strings.Join(set, ", ") + " WHERE id = " + placeholder(len(t.columns)+1)
			for _, c := range changes {
				args := make([]any, 0, len(c.values)+1)
				for _, v := range c.values {
					args = append(args, v)
				}
				if _, err := tx.ExecContext(ctx, update, append(args, c.id)...); err != nil {
					return fmt.Errorf("%s %s: %w", t.table, c.id, err)
				}
			}
		}
		return nil
	}
}
