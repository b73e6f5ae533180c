package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/registry"
)

// maxLoad bounds the writes of one Load: one transaction's worth.
const maxLoad = 50000

// Load stores new applications with their participants in one
// transaction, many rows to an INSERT: the bulk path, for importing an
// existing registry into a fresh database or filling one to measure it,
// about ten times as fast as Create per application. Each write holds an
// application (Version 0, stored as 1) and optionally its participant; it
// may not carry claims, events or outbox messages, which Create takes.
// Writes are validated as Create's are; an application id, idempotency
// key or participant code already stored fails the whole Load with
// ErrConflict. At most 50,000 writes a call.
func (s *Store) Load(ctx context.Context, ws []registry.Write) error {
	if len(ws) > maxLoad {
		return fmt.Errorf("sqlstore: Load of %d writes: at most %d a call", len(ws), maxLoad)
	}
	var (
		apps, waiting, parts, values [][]any
	)
	for i := range ws {
		w := ws[i]
		if err := w.ValidateCreate(); err != nil {
			return err
		}
		a := w.Application
		if len(a.Claims) > 0 || len(w.Events) > 0 || len(w.Outbox) > 0 || a.Version != 0 {
			return fmt.Errorf("sqlstore: Load: application %q carries claims, events, outbox messages or a version: Create it", a.ID)
		}
		row, err := encodeApplication(a)
		if err != nil {
			return err
		}
		apps = append(apps, []any{a.ID, row.key, a.ParticipantCode, string(a.Stage), row.waiting, int64(1), row.created, row.updated, row.state, row.claims, row.due, row.waitingOn})
		for _, k := range row.kinds {
			waiting = append(waiting, []any{a.ID, k, string(a.Stage), row.created})
		}
		if w.Participant == nil {
			continue
		}
		p, err := encodeParticipantRow(w.Participant)
		if err != nil {
			return err
		}
		parts = append(parts, p.columns())
		for _, field := range []string{valueRole, valueLinkedCode, valueIFSC} {
			vs, lows := p.list(field)
			seen := make(map[string]bool, len(vs))
			for j, v := range vs {
				if !seen[v] {
					seen[v] = true
					values = append(values, []any{field, v, w.Participant.ParticipantCode, lows[j]})
				}
			}
		}
	}
	load := func(qr queryer) error {
		q := qr.(preparer)
		var lastRowid int64
		if s.dialect == SQLite {
			// The rows inserted below are the ones past the last rowid
			// now: their names go into the trigram index after them.
			if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rowid), 0) FROM participants").Scan(&lastRowid); err != nil {
				return fail(ctx, err, "load participants")
			}
		}
		for _, t := range []struct {
			table, columns string
			rows           [][]any
		}{
			{"applications", applicationColumns, apps},
			{"application_waiting", "application_id, kind, stage, created_at", waiting},
			{"participants", participantColumns, parts},
			{"participant_values", "field, value, participant_code, value_lower", values},
		} {
			if err := insertRows(ctx, q, t.table, t.columns, t.rows); err != nil {
				if constraintOf(err) != constraintNone {
					return fmt.Errorf("%w: Load: %v", registry.ErrConflict, err)
				}
				return fail(ctx, err, "load %s", t.table)
			}
		}
		if s.dialect == SQLite && len(parts) > 0 {
			if _, err := q.ExecContext(ctx, `INSERT INTO participants_name (rowid, name_lower)
				SELECT rowid, name_lower FROM participants WHERE rowid > $1`, lastRowid); err != nil {
				return fail(ctx, err, "load the participant name index")
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO participants_contacts (rowid, code_lower, email_lower, mobile_lower)
				SELECT rowid, code_lower, email_lower, mobile_lower FROM participants WHERE rowid > $1`, lastRowid); err != nil {
				return fail(ctx, err, "load the participant contact index")
			}
		}
		return nil
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	if s.dialect == SQLite {
		return s.immediateTx(ctx, load)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, err, "load")
	}
	if err := load(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fail(ctx, err, "load")
	}
	return nil
}

// insertRows inserts rows into table, a few to a statement: a statement
// of that many rows is prepared once and run for each group. The SQLite
// driver binds each parameter by name, in time that grows with their
// number, so a statement holds a few hundred at most.
func insertRows(ctx context.Context, q preparer, table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, 240/width)
	text := func(n int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j := range width {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", i*width+j+1)
			}
			b.WriteString(")")
		}
		return b.String()
	}
	var full *sql.Stmt
	if len(rows) >= per {
		st, err := q.PrepareContext(ctx, text(per))
		if err != nil {
			return err
		}
		defer st.Close()
		full = st
	}
	args := make([]any, 0, per*width)
	for len(rows) > 0 {
		n := min(per, len(rows))
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		var err error
		if n == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = q.ExecContext(ctx, text(n), args...)
		}
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// preparer is a queryer that prepares statements: a connection or a
// transaction.
type preparer interface {
	queryer
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
