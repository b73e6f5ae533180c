package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

var (
	_ registry.DueLister = (*Store)(nil)
	_ registry.Leaser    = (*Store)(nil)
)

// DueApplications returns a page of the applications due at or before by,
// ordered by due_at then id, as [registry.DueLister] describes. It reads
// applications_due (migration 9), which holds only the applications that
// have a due time, from by's end back to the cursor: the scheduler reads
// what is due and nothing else.
func (s *Store) DueApplications(ctx context.Context, by time.Time, limit int, cursor string) (registry.Page[registry.Application], error) {
	var page registry.Page[registry.Application]
	limit, after, err := registry.CheckPage(limit, cursor)
	if err != nil {
		return page, err
	}
	// by only bounds the search: a time past what the store keeps asks
	// for everything due, one before it for nothing.
	switch {
	case by.IsZero():
	case by.After(maxTime):
		by = maxTime
	case by.Before(minTime):
		by = minTime
	}
	byNS, err := encodeTime(by, "due time")
	if err != nil {
		return page, err
	}
	if err := s.ready(ctx); err != nil {
		return page, err
	}
	q := dueSQL(after != nil)
	args := []any{byNS, limit}
	if after != nil {
		args = append(args, positionTime(*after), after.Key)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return page, fail(ctx, err, "list due applications")
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return page, fail(ctx, err, "list due applications")
		}
		page.Items = append(page.Items, *a)
	}
	if err := rows.Err(); err != nil {
		return page, fail(ctx, err, "list due applications")
	}
	if n := len(page.Items); n == limit {
		last := page.Items[n-1]
		page.Next = registry.EncodeDueCursor(last.DueAt, last.ID)
	}
	return page, nil
}

// dueSQL is DueApplications' query: $1 the end, $2 the limit, and after
// a cursor $3, $4 the position it names.
func dueSQL(cursor bool) string {
	q := `SELECT ` + applicationColumns + ` FROM applications WHERE due_at IS NOT NULL AND due_at <= $1`
	if cursor {
		q += ` AND (due_at, id) > ($3, $4)`
	}
	return q + ` ORDER BY due_at, id LIMIT $2`
}

// SetDue sets the due time of the application at the given version
// without changing anything else, the version included: the scheduler
// uses it when an application fell due but had nothing to do (a policy
// changed since), so that it is not read again at every pass. A write
// that moved the version since is registry.ErrVersionConflict; the
// zero time clears the due time.
func (s *Store) SetDue(ctx context.Context, id string, version int64, due time.Time) error {
	if !registry.StorableText(id) {
		return fmt.Errorf("%w: application %q", registry.ErrNotFound, id)
	}
	var dueArg any
	if !due.IsZero() {
		ns, err := encodeTime(due, "application due_at")
		if err != nil {
			return err
		}
		dueArg = ns
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	res, err := s.execText(ctx, `UPDATE applications SET due_at = $3 WHERE id = $1 AND version = $2`, id, version, dueArg)
	if err != nil {
		return fail(ctx, err, "set the due time of application %q", id)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(ctx, err, "set the due time of application %q", id)
	} else if n == 1 {
		return nil
	}
	var n int
	if err := s.stmts.applicationExists.QueryRowContext(ctx, id).Scan(&n); err != nil {
		return fail(ctx, err, "read application %q", id)
	}
	if n == 0 {
		return fmt.Errorf("%w: application %q", registry.ErrNotFound, id)
	}
	return fmt.Errorf("%w: application %q is not at version %d", registry.ErrVersionConflict, id, version)
}

// execText runs one write statement given as text: on SQLite through the
// Store's single writer, on PostgreSQL on the pool.
func (s *Store) execText(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.dialect == Postgres {
		return s.db.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		var err error
		res, err = t.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// AcquireLease grants the named lease as [registry.Leaser] describes: one
// upsert that updates only a free, expired or own lease, so of several
// Stores, in any process, one holds it at a time.
func (s *Store) AcquireLease(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if err := registry.CheckLease(name, owner, ttl); err != nil {
		return false, err
	}
	nowNS, err := encodeTime(now, "lease time")
	if err != nil {
		return false, err
	}
	untilNS, err := encodeTime(now.Add(ttl), "lease end")
	if err != nil {
		return false, err
	}
	if err := s.ready(ctx); err != nil {
		return false, err
	}
	res, err := s.execText(ctx, `INSERT INTO leases (name, owner, until_ns) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ns = excluded.until_ns
		WHERE leases.until_ns <= $4 OR leases.owner = excluded.owner`, name, owner, untilNS, nowNS)
	if err != nil {
		return false, fail(ctx, err, "take lease %q", name)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fail(ctx, err, "take lease %q", name)
	}
	return n == 1, nil
}

// ReleaseLease frees the lease if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if !registry.StorableText(name) || !registry.StorableText(owner) {
		return nil // AcquireLease gives no such lease; PostgreSQL would refuse to compare the text
	}
	if _, err := s.execText(ctx, `DELETE FROM leases WHERE name = $1 AND owner = $2`, name, owner); err != nil {
		return fail(ctx, err, "release lease %q", name)
	}
	return nil
}
