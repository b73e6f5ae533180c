package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Participant returns the participant with the given code.
func (s *Store) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	var (
		record           []byte
		created, updated int64
	)
	st, done := s.pointRead(s.stmts.selectParticipant)
	err := st.QueryRowContext(ctx, code).Scan(&record, &created, &updated)
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: participant %q", registry.ErrNotFound, code)
	case err != nil:
		return nil, fail(ctx, err, "read participant %q", code)
	}
	return decodeParticipant(record, created, updated)
}

// SearchParticipants returns the participants matching q, ordered by
// creation time then code, paged by q's limit and offset.
func (s *Store) SearchParticipants(ctx context.Context, q registry.Query) ([]hcxonboard.Participant, error) {
	query, args, err := searchSQL(q)
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail(ctx, err, "search participants")
	}
	defer rows.Close()
	var out []hcxonboard.Participant
	for rows.Next() {
		var (
			record           []byte
			created, updated int64
		)
		if err := rows.Scan(&record, &created, &updated); err != nil {
			return nil, fail(ctx, err, "search participants")
		}
		p, err := decodeParticipant(record, created, updated)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "search participants")
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanApplication(sc scanner) (*registry.Application, error) {
	var (
		a                registry.Application
		key              sql.NullString
		stage, waiting   string
		claims           string
		created, updated int64
		state            []byte
	)
	if err := sc.Scan(&a.ID, &key, &a.ParticipantCode, &stage, &waiting, &a.Version, &created, &updated, &state, &claims); err != nil {
		return nil, err
	}
	w, err := decodeList(waiting, "waiting")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
	}
	if a.Claims, err = decodeList(claims, "claims"); err != nil {
		return nil, fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
	}
	a.Key, a.Stage, a.Waiting = key.String, registry.Stage(stage), w
	a.CreatedAt, a.UpdatedAt = decodeTime(created), decodeTime(updated)
	if len(state) > 0 {
		a.State = state
	}
	return &a, nil
}

// Application returns the application with the given id.
func (s *Store) Application(ctx context.Context, id string) (*registry.Application, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	st, done := s.pointRead(s.stmts.selectApplication)
	a, err := scanApplication(st.QueryRowContext(ctx, id))
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: application %q", registry.ErrNotFound, id)
	case err != nil:
		return nil, fail(ctx, err, "read application %q", id)
	}
	return a, nil
}

// ApplicationByKey returns the application submitted with the given
// idempotency key; the empty key is never found.
func (s *Store) ApplicationByKey(ctx context.Context, key string) (*registry.Application, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if key == "" {
		return nil, fmt.Errorf("%w: application key %q", registry.ErrNotFound, key)
	}
	st, done := s.pointRead(s.stmts.selectApplicationByKey)
	a, err := scanApplication(st.QueryRowContext(ctx, key))
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: application key %q", registry.ErrNotFound, key)
	case err != nil:
		return nil, fail(ctx, err, "read application by key %q", key)
	}
	return a, nil
}

// ApplicationByClaim returns the application holding claim.
func (s *Store) ApplicationByClaim(ctx context.Context, claim string) (*registry.Application, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !storableClaim(claim) {
		return nil, fmt.Errorf("%w: claim %q", registry.ErrNotFound, claim)
	}
	st, done := s.pointRead(s.stmts.selectApplicationByClaim)
	a, err := scanApplication(st.QueryRowContext(ctx, claim))
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: claim %q", registry.ErrNotFound, claim)
	case err != nil:
		return nil, fail(ctx, err, "read application by claim %q", claim)
	}
	return a, nil
}

// ListApplications returns the applications matching f, oldest first, then
// by id.
func (s *Store) ListApplications(ctx context.Context, f registry.ApplicationFilter) ([]registry.Application, error) {
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	var b sqlBuilder
	b.WriteString("SELECT " + applicationColumns + " FROM applications a WHERE 1=1")
	if f.Stage != "" {
		b.WriteString(" AND a.stage = " + b.arg(string(f.Stage)))
	}
	if f.ParticipantCode != "" {
		b.WriteString(" AND a.participant_code = " + b.arg(f.ParticipantCode))
	}
	if f.Waiting != "" {
		b.WriteString(" AND a.id IN (SELECT w.application_id FROM application_waiting w WHERE w.kind = " + b.arg(f.Waiting) + ")")
	}
	b.WriteString(" ORDER BY a.created_at, a.id LIMIT " + b.arg(f.Limit) + " OFFSET " + b.arg(f.Offset))

	rows, err := s.db.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, fail(ctx, err, "list applications")
	}
	defer rows.Close()
	var out []registry.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fail(ctx, err, "list applications")
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "list applications")
	}
	return out, nil
}

// Events returns an application's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, applicationID string) ([]registry.Event, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	out, err := s.readEvents(ctx, applicationID)
	if err != nil {
		return nil, fail(ctx, err, "read the audit trail of application %q", applicationID)
	}
	if len(out) == 0 {
		// An application has no events, or there is no such application.
		var n int
		switch err := s.stmts.applicationExists.QueryRowContext(ctx, applicationID).Scan(&n); {
		case err != nil:
			return nil, fail(ctx, err, "read application %q", applicationID)
		case n == 0:
			return nil, fmt.Errorf("%w: application %q", registry.ErrNotFound, applicationID)
		}
	}
	return out, nil
}

// readEvents reads an application's events, oldest first.
func (s *Store) readEvents(ctx context.Context, applicationID string) ([]registry.Event, error) {
	st, done := s.pointRead(s.stmts.selectEvents)
	defer done()
	rows, err := st.QueryContext(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Event
	for rows.Next() {
		e := registry.Event{ApplicationID: applicationID}
		var ns int64
		if err := rows.Scan(&e.Seq, &ns, &e.Actor, &e.Action, &e.From, &e.To, &e.Reason, &e.PrevHash, &e.Hash, &e.Seal); err != nil {
			return nil, err
		}
		e.Time = decodeTime(ns)
		out = append(out, e)
	}
	return out, rows.Err()
}

// pointRead returns the statement a read by key runs, and a function to
// call once its rows are closed. On SQLite, while no write is under way,
// that is st on the writer connection: a commit discards the page cache
// of every other connection, so a read there after a write would fetch
// again the pages the writer still holds. Otherwise it is st on the pool,
// where reads run in parallel with each other and with a write.
func (s *Store) pointRead(st *sql.Stmt) (*sql.Stmt, func()) {
	b := s.batcher
	if b == nil {
		return st, func() {}
	}
	select {
	case b.slot <- struct{}{}:
		if b.writer == nil {
			<-b.slot
			return st, func() {}
		}
		return b.writer.stmts[st], func() { <-b.slot }
	default:
		return st, func() {}
	}
}
