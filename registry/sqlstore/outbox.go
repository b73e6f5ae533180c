package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// outboxStatements are the outbox's fixed statements, prepared with the
// others.
type outboxStatements struct {
	insert, claim, anyDue, complete, fail, retry, lease, exists, get, purge *sql.Stmt
}

func (o *outboxStatements) all() []*sql.Stmt {
	return []*sql.Stmt{o.insert, o.claim, o.anyDue, o.complete, o.fail, o.retry, o.lease, o.exists, o.get, o.purge}
}

const outboxColumns = `id, application_id, kind, recipient, payload, created_at, next_attempt_at,
	attempts, state, last_error, lease_owner, lease_until, sent_at, retried_at`

// outboxDue is the claim's condition and order: pending, due, with a free
// or expired lease; outbox_due serves both.
const (
	outboxDue      = `state = 'pending' AND next_attempt_at <= $2 AND lease_until <= $2`
	outboxDueOrder = `ORDER BY next_attempt_at, created_at, id LIMIT $4`
)

// claimOutbox leases due messages in one statement. PostgreSQL locks the
// rows it picks and skips those another transaction has locked, so
// concurrent claimers take different messages instead of queueing; a row
// leased by a transaction that committed meanwhile is checked again and
// dropped. SQLite's single writer runs one claim at a time.
var claimOutbox = map[Dialect]string{
	Postgres: `UPDATE outbox AS o SET lease_owner = $1, lease_until = $3
	FROM (SELECT id FROM outbox WHERE ` + outboxDue + ` ` + outboxDueOrder + ` FOR UPDATE SKIP LOCKED) AS due
	WHERE o.id = due.id
	RETURNING ` + qualified("o", outboxColumns),
	SQLite: `UPDATE outbox SET lease_owner = $1, lease_until = $3
	WHERE id IN (SELECT id FROM outbox WHERE ` + outboxDue + ` ` + outboxDueOrder + `)
	RETURNING ` + outboxColumns,
}

// purgeOutbox deletes a batch of sent messages past their retention
// ($1, the cut-off; $2, the batch). outbox_due serves it: its range is
// the sent messages due before the cut-off, of which those sent before it
// are deleted, each then found by its key. PostgreSQL skips rows another
// purge holds, so that replicas purging at once delete different rows
// instead of queueing; SQLite's single writer runs one purge at a time.
var purgeOutbox = map[Dialect]string{
	Postgres: `DELETE FROM outbox WHERE id = ANY (ARRAY(SELECT id FROM outbox
	WHERE state = 'sent' AND next_attempt_at < $1 AND sent_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
	SQLite: `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
	WHERE state = 'sent' AND next_attempt_at < $1 AND sent_at < $1 LIMIT $2)`,
}

// qualified prefixes each of a list of columns with table.
func qualified(table, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// outboxStatementTexts lists the outbox's statements for prepare.
func (s *Store) outboxStatementTexts() []struct {
	dst  **sql.Stmt
	text string
} {
	o := &s.stmts.outbox
	return []struct {
		dst  **sql.Stmt
		text string
	}{
		{&o.insert, `INSERT INTO outbox (` + outboxColumns + `)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'pending', '', $9, $10, $8, $8)`},
		{&o.claim, claimOutbox[s.dialect]},
		{&o.anyDue, `SELECT count(*) FROM (SELECT 1 FROM outbox
			WHERE state = 'pending' AND next_attempt_at <= $1 AND lease_until <= $1 LIMIT 1) AS due`},
		{&o.complete, `UPDATE outbox SET state = 'sent', sent_at = $3, lease_until = $4
			WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`},
		{&o.fail, `UPDATE outbox SET attempts = attempts + 1, state = $3, next_attempt_at = $4, last_error = $5,
			lease_owner = '', lease_until = $6
			WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`},
		{&o.retry, `UPDATE outbox SET state = 'pending', next_attempt_at = $2, retried_at = $2, lease_owner = '', lease_until = $3
			WHERE id = $1 AND state = 'dead'`},
		{&o.lease, `SELECT state, lease_owner FROM outbox WHERE id = $1`},
		{&o.exists, `SELECT count(*) FROM outbox WHERE id = $1`},
		{&o.get, `SELECT ` + outboxColumns + ` FROM outbox WHERE id = $1`},
		{&o.purge, purgeOutbox[s.dialect]},
	}
}

// outboxRow is a new message with its columns encoded.
type outboxRow struct {
	id, kind, to  string
	payload       []byte // never nil: the column is NOT NULL
	created, next int64
	// owner and until: the lease it is written with; "" and the zero
	// time for none.
	owner string
	until int64
}

func encodeOutbox(ms []registry.OutboxMessage) ([]outboxRow, error) {
	out := make([]outboxRow, len(ms))
	for i, m := range ms {
		r := outboxRow{id: m.ID, kind: m.Kind, to: m.To, payload: m.Payload, owner: m.LeaseOwner, until: int64(zeroTime)}
		if r.payload == nil {
			r.payload = []byte{}
		}
		var err error
		if r.created, err = encodeTime(m.CreatedAt, "outbox message created_at"); err != nil {
			return nil, err
		}
		if r.next, err = encodeTime(m.NextAttemptAt, "outbox message next_attempt_at"); err != nil {
			return nil, err
		}
		if !m.LeaseUntil.IsZero() {
			if r.until, err = encodeTime(m.LeaseUntil, "outbox message lease_until"); err != nil {
				return nil, err
			}
		}
		out[i] = r
	}
	return out, nil
}

// insertOutbox stores a write's messages, pending, leased if they are
// written leased. A message ID stored already is registry.ErrConflict.
func (s *Store) insertOutbox(ctx context.Context, t *wtx, appID string, rows []outboxRow) error {
	for _, r := range rows {
		if _, err := t.exec(ctx, s.stmts.outbox.insert, r.id, appID, r.kind, r.to, r.payload, r.created, r.next, int64(zeroTime), r.owner, r.until); err != nil {
			if constraintOf(err) == constraintOutbox {
				return fmt.Errorf("%w: outbox message %q exists", registry.ErrConflict, r.id)
			}
			return fail(ctx, err, "store outbox message %q of application %q", r.id, appID)
		}
	}
	return nil
}

// outboxConflict reports a Create whose one statement broke outbox_pkey,
// after the claims, which the reference store checks first.
func (s *Store) outboxConflict(ctx context.Context, a *registry.Application, rows []outboxRow, cause error) error {
	if err := s.claimConflict(ctx, a.ID, a.Claims); err != nil {
		return err
	}
	for _, r := range rows {
		var n int
		if err := s.stmts.outbox.exists.QueryRowContext(ctx, r.id).Scan(&n); err != nil {
			return fail(ctx, err, "read outbox message %q", r.id)
		}
		if n > 0 {
			return fmt.Errorf("%w: outbox message %q exists", registry.ErrConflict, r.id)
		}
	}
	return fmt.Errorf("%w: application %q: %w", registry.ErrConflict, a.ID, cause)
}

// outboxWrite runs fn, which changes the outbox with one statement (and
// may read after it), as a write: in SQLite's write queue, in the single
// writer's transaction; on PostgreSQL on its own, a statement being a
// transaction of its own. fn gets each statement as it runs there.
func (s *Store) outboxWrite(ctx context.Context, fn func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error) error {
	if s.dialect == Postgres {
		return fn(ctx, func(st *sql.Stmt) *sql.Stmt { return st })
	}
	return s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		return fn(ctx, func(st *sql.Stmt) *sql.Stmt { return t.stmt(ctx, st) })
	})
}

// ClaimOutbox leases due messages to owner, as [registry.OutboxStore]
// describes: one UPDATE … RETURNING, which on PostgreSQL picks its rows
// FOR UPDATE SKIP LOCKED and on SQLite runs in the single writer's
// transaction, so no two claimers, in any Store or process, lease one
// message at once. On SQLite a read first checks that something is due,
// so that idle dispatchers polling do not queue for the writer.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]registry.OutboxMessage, error) {
	if err := registry.CheckOutboxClaim(owner, now, lease, limit); err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	nowNS, err := encodeTime(now, "outbox claim time")
	if err != nil {
		return nil, err
	}
	untilNS, err := encodeTime(now.Add(lease), "outbox lease end")
	if err != nil {
		return nil, err
	}
	if s.dialect == SQLite {
		var due int
		st, done := s.pointRead(s.stmts.outbox.anyDue)
		err := st.QueryRowContext(ctx, nowNS).Scan(&due)
		done()
		if err != nil {
			return nil, fail(ctx, err, "look for due outbox messages")
		}
		if due == 0 {
			return nil, nil
		}
	}
	var out []registry.OutboxMessage
	err = s.outboxWrite(ctx, func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error {
		out = nil
		rows, err := stmt(s.stmts.outbox.claim).QueryContext(ctx, owner, nowNS, untilNS, limit)
		if err != nil {
			return fail(ctx, err, "claim outbox messages")
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return fail(ctx, err, "claim outbox messages")
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return fail(ctx, err, "claim outbox messages")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	registry.SortOutboxDue(out) // RETURNING keeps no order
	return out, nil
}

// CompleteOutbox marks a message sent, as [registry.OutboxStore]
// describes.
func (s *Store) CompleteOutbox(ctx context.Context, id, owner string, sentAt time.Time) error {
	if !registry.StorableText(id) {
		return fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	}
	if err := registry.CheckOutboxOwner(owner); err != nil {
		return err
	}
	if sentAt.IsZero() {
		return fmt.Errorf("registry: outbox message %q sent at the zero time", id)
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	sentNS, err := encodeTime(sentAt, "outbox message sent_at")
	if err != nil {
		return err
	}
	return s.outboxWrite(ctx, func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error {
		res, err := stmt(s.stmts.outbox.complete).ExecContext(ctx, id, owner, sentNS, int64(zeroTime))
		if err != nil {
			return fail(ctx, err, "complete outbox message %q", id)
		}
		return s.leaseOutcome(ctx, stmt, res, id, owner, true)
	})
}

// FailOutbox records a failed attempt, as [registry.OutboxStore]
// describes.
func (s *Store) FailOutbox(ctx context.Context, id, owner string, next time.Time, lastError string, dead bool) error {
	if !registry.StorableText(id) {
		return fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	}
	if err := registry.CheckOutboxOwner(owner); err != nil {
		return err
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	nextNS, err := encodeTime(next, "outbox message next_attempt_at")
	if err != nil {
		return err
	}
	state := registry.OutboxPending
	if dead {
		state = registry.OutboxDead
	}
	return s.outboxWrite(ctx, func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error {
		res, err := stmt(s.stmts.outbox.fail).ExecContext(ctx, id, owner, string(state), nextNS,
			registry.OutboxErrorText(lastError), int64(zeroTime))
		if err != nil {
			return fail(ctx, err, "fail outbox message %q", id)
		}
		return s.leaseOutcome(ctx, stmt, res, id, owner, false)
	})
}

// leaseOutcome turns the result of a statement that changes the pending
// message id leased to owner into its error: nil when it changed the row,
// else ErrNotFound or ErrConflict, as the row stands. With sent, a message
// this owner completed already is success.
func (s *Store) leaseOutcome(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt, res sql.Result, id, owner string, sent bool) error {
	if n, err := res.RowsAffected(); err != nil {
		return fail(ctx, err, "change outbox message %q", id)
	} else if n == 1 {
		return nil
	}
	var state, leaseOwner string
	err := stmt(s.stmts.outbox.lease).QueryRowContext(ctx, id).Scan(&state, &leaseOwner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	case err != nil:
		return fail(ctx, err, "read outbox message %q", id)
	case sent && state == string(registry.OutboxSent) && leaseOwner == owner:
		return nil // completed already, by this owner
	}
	return fmt.Errorf("%w: outbox message %q is not a pending message leased to this owner", registry.ErrConflict, id)
}

// RetryOutbox sends a dead message back to pending, as
// [registry.OutboxStore] describes.
func (s *Store) RetryOutbox(ctx context.Context, id string, now time.Time) error {
	if !registry.StorableText(id) {
		return fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	}
	if now.IsZero() {
		return fmt.Errorf("registry: retry outbox message %q at the zero time", id)
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	nowNS, err := encodeTime(now, "outbox retry time")
	if err != nil {
		return err
	}
	return s.outboxWrite(ctx, func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error {
		res, err := stmt(s.stmts.outbox.retry).ExecContext(ctx, id, nowNS, int64(zeroTime))
		if err != nil {
			return fail(ctx, err, "retry outbox message %q", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(ctx, err, "retry outbox message %q", id)
		} else if n == 1 {
			return nil
		}
		var state, leaseOwner string
		err = stmt(s.stmts.outbox.lease).QueryRowContext(ctx, id).Scan(&state, &leaseOwner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
		case err != nil:
			return fail(ctx, err, "read outbox message %q", id)
		}
		return fmt.Errorf("%w: outbox message %q is %s, not dead", registry.ErrConflict, id, state)
	})
}

// PurgeOutbox deletes sent messages past their retention, as
// [registry.OutboxPurger] describes: one DELETE of at most limit rows,
// found through outbox_due.
func (s *Store) PurgeOutbox(ctx context.Context, sentBefore time.Time, limit int) (int, error) {
	if err := registry.CheckOutboxPurge(sentBefore, limit); err != nil {
		return 0, err
	}
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	cutoff, err := encodeTime(sentBefore, "outbox purge cut-off")
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.outboxWrite(ctx, func(ctx context.Context, stmt func(*sql.Stmt) *sql.Stmt) error {
		res, err := stmt(s.stmts.outbox.purge).ExecContext(ctx, cutoff, limit)
		if err != nil {
			return fail(ctx, err, "purge sent outbox messages")
		}
		if n, err = res.RowsAffected(); err != nil {
			return fail(ctx, err, "purge sent outbox messages")
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// OutboxMessage reads the message id by its key, as
// [registry.OutboxReader] describes.
func (s *Store) OutboxMessage(ctx context.Context, id string) (*registry.OutboxMessage, error) {
	if !registry.StorableText(id) {
		return nil, fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	st, done := s.pointRead(s.stmts.outbox.get)
	m, err := scanOutbox(st.QueryRowContext(ctx, id))
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: outbox message %q", registry.ErrNotFound, id)
	case err != nil:
		return nil, fail(ctx, err, "read outbox message %q", id)
	}
	return &m, nil
}

// ListOutbox returns the messages matching f, oldest first, as
// [registry.OutboxStore] describes. The cursor is resolved inside the
// query; only an empty page pays a second look-up, to tell the end of the
// list from a cursor that names no message.
func (s *Store) ListOutbox(ctx context.Context, f registry.OutboxFilter) ([]registry.OutboxMessage, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	query, args := listOutboxSQL(f)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail(ctx, err, "list outbox messages")
	}
	defer rows.Close()
	var out []registry.OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, fail(ctx, err, "list outbox messages")
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "list outbox messages")
	}
	if len(out) == 0 && f.After != "" {
		var n int
		if err := s.stmts.outbox.exists.QueryRowContext(ctx, f.After).Scan(&n); err != nil {
			return nil, fail(ctx, err, "read the outbox cursor")
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: the cursor names no outbox message", registry.ErrInvalidQuery)
		}
	}
	return out, nil
}

// OutboxDepth counts pending and dead messages, as [registry.OutboxStore]
// describes, from outbox_due alone.
func (s *Store) OutboxDepth(ctx context.Context) (map[registry.OutboxState]int, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM outbox WHERE state IN ('pending', 'dead') GROUP BY state`)
	if err != nil {
		return nil, fail(ctx, err, "count outbox messages")
	}
	defer rows.Close()
	depth := map[registry.OutboxState]int{registry.OutboxPending: 0, registry.OutboxDead: 0}
	for rows.Next() {
		var (
			state string
			n     int
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fail(ctx, err, "count outbox messages")
		}
		depth[registry.OutboxState(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "count outbox messages")
	}
	return depth, nil
}

// scanOutbox reads outboxColumns.
func scanOutbox(sc scanner) (registry.OutboxMessage, error) {
	var (
		m                                          registry.OutboxMessage
		state                                      string
		created, next, leaseUntil, sentAt, retried int64
	)
	if err := sc.Scan(&m.ID, &m.ApplicationID, &m.Kind, &m.To, &m.Payload, &created, &next,
		&m.Attempts, &state, &m.LastError, &m.LeaseOwner, &leaseUntil, &sentAt, &retried); err != nil {
		return m, err
	}
	if len(m.Payload) == 0 {
		m.Payload = nil
	}
	m.State = registry.OutboxState(state)
	m.CreatedAt, m.NextAttemptAt = decodeTime(created), decodeTime(next)
	m.LeaseUntil, m.SentAt, m.RetriedAt = decodeTime(leaseUntil), decodeTime(sentAt), decodeTime(retried)
	return m, nil
}

// listOutboxSQL is ListOutbox's statement for f (normalized). The dead
// letters, the staff's listing, page through the partial index
// outbox_dead (schema version 13), which holds them alone in listing
// order: its state is written as the literal its predicate names, which a
// bound parameter would not let the planner match.
func listOutboxSQL(f registry.OutboxFilter) (string, []any) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	switch f.State {
	case "":
	case registry.OutboxDead:
		where = append(where, "state = 'dead'")
	default:
		where = append(where, "state = "+arg(string(f.State)))
	}
	if f.ApplicationID != "" {
		where = append(where, "application_id = "+arg(f.ApplicationID))
	}
	if f.After != "" {
		p := arg(f.After)
		where = append(where, "(created_at, id) > ((SELECT created_at FROM outbox WHERE id = "+p+"), "+p+")")
	}
	query := `SELECT ` + outboxColumns + ` FROM outbox`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY created_at, id LIMIT ` + arg(f.Limit)
	return query, args
}
