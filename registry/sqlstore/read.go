package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Participant returns the participant with the given code.
func (s *Store) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !registry.StorableText(code) {
		return nil, fmt.Errorf("%w: participant %q", registry.ErrNotFound, code)
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
// creation time then code, paged by q's limit, cursor and offset.
func (s *Store) SearchParticipants(ctx context.Context, q registry.Query) ([]hcxonboard.Participant, error) {
	page, err := s.SearchParticipantsPage(ctx, q)
	return page.Items, err
}

// SearchParticipantsPage is SearchParticipants with the cursor of the next
// page (registry.ParticipantPager).
func (s *Store) SearchParticipantsPage(ctx context.Context, q registry.Query) (registry.Page[hcxonboard.Participant], error) {
	var page registry.Page[hcxonboard.Participant]
	q, err := q.Normalize()
	if err != nil {
		return page, err
	}
	if err := s.ready(ctx); err != nil {
		return page, err
	}
	plan, err := s.planSearch(ctx, q)
	if err != nil {
		return page, err
	}
	query, args, err := searchSQL(q, plan)
	if err != nil {
		return page, err
	}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return page, fail(ctx, err, "search participants")
	}
	defer rows.Close()
	var last registry.Position
	for rows.Next() {
		var (
			record           []byte
			created, updated int64
		)
		if err := rows.Scan(&record, &created, &updated, &last.Key); err != nil {
			return page, fail(ctx, err, "search participants")
		}
		p, err := decodeParticipant(record, created, updated)
		if err != nil {
			return page, err
		}
		last.CreatedAt = p.CreatedAt
		page.Items = append(page.Items, *p)
	}
	if err := rows.Err(); err != nil {
		return page, fail(ctx, err, "search participants")
	}
	if len(page.Items) == q.Limit {
		page.Next = registry.EncodeCursor(last)
	}
	return page, nil
}

// planSearch picks the search's leader: of the conditions that name their
// participants through an index, the one whose index holds the fewest
// rows, m, if m is under the lead limit. Leading reads and sorts the m
// matches; reading in paging order instead fills a page after about
// limit × n / m participants, so leading pays while m² < limit × n: the
// lead limit is √(limit × n), and at least the Store's driveLimit.
// Counting stops at the lead limit, so it reads at most that many index
// entries per candidate.
func (s *Store) planSearch(ctx context.Context, q registry.Query) (searchPlan, error) {
	plan := searchPlan{dialect: s.dialect}
	candidates := leaders(q, s.dialect, trigramIndexes{names: s.nameIndex, contacts: s.contactIndex})
	if len(candidates) == 0 {
		return plan, nil
	}
	n, err := s.participantEstimate(ctx)
	if err != nil {
		return plan, err
	}
	best := max(s.driveLimit, int(math.Sqrt(float64(q.Limit)*float64(n))))
	for _, d := range candidates {
		query, args := d.countSQL(s.dialect, best)
		var n int
		if err := s.queryRow(ctx, query, args...).Scan(&n); err != nil {
			return plan, fail(ctx, err, "search participants")
		}
		if n < best {
			best, plan.drive = n, d
		}
	}
	return plan, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanApplication(sc scanner) (*registry.Application, error) {
	var (
		a                registry.Application
		key              sql.NullString
		stage, waiting   string
		waitingOn        string
		claims           string
		created, updated int64
		due              sql.NullInt64
		state            []byte
	)
	if err := sc.Scan(&a.ID, &key, &a.ParticipantCode, &stage, &waiting, &a.Version, &created, &updated, &state, &claims, &due, &waitingOn); err != nil {
		return nil, err
	}
	w, err := decodeList(waiting, "waiting")
	if err != nil {
		return nil, fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
	}
	if a.Claims, err = decodeList(claims, "claims"); err != nil {
		return nil, fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
	}
	if a.WaitingOn, err = decodeList(waitingOn, "waiting_on"); err != nil {
		return nil, fmt.Errorf("sqlstore: application %q: %w", a.ID, err)
	}
	a.Key, a.Stage, a.Waiting = key.String, registry.Stage(stage), w
	a.CreatedAt, a.UpdatedAt = decodeTime(created), decodeTime(updated)
	if due.Valid {
		a.DueAt = decodeTime(due.Int64)
	}
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
	if !registry.StorableText(id) {
		return nil, fmt.Errorf("%w: application %q", registry.ErrNotFound, id)
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
	if !registry.StorableText(key) {
		return nil, fmt.Errorf("%w: application key %q", registry.ErrNotFound, key)
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
		return nil, fmt.Errorf("%w: claim %q", registry.ErrNotFound, registry.ShownClaim(claim))
	}
	st, done := s.pointRead(s.stmts.selectApplicationByClaim)
	a, err := scanApplication(st.QueryRowContext(ctx, claim))
	done()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%w: claim %q", registry.ErrNotFound, registry.ShownClaim(claim))
	case err != nil:
		return nil, fail(ctx, err, "read application by claim %q", registry.ShownClaim(claim))
	}
	return a, nil
}

// ListApplications returns the applications matching f, oldest first, then
// by id.
func (s *Store) ListApplications(ctx context.Context, f registry.ApplicationFilter) ([]registry.Application, error) {
	page, err := s.ListApplicationsPage(ctx, f)
	return page.Items, err
}

// ListApplicationsPage is ListApplications with the cursor of the next
// page (registry.ApplicationPager).
func (s *Store) ListApplicationsPage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[registry.Application], error) {
	var page registry.Page[registry.Application]
	f, err := f.Normalize()
	if err != nil {
		return page, err
	}
	if err := s.ready(ctx); err != nil {
		return page, err
	}
	if !registry.StorableText(f.ParticipantCode) || !registry.StorableText(f.Waiting) || !registry.StorableText(f.WaitingOn) ||
		!registry.StorableText(string(f.Stage)) || strings.HasPrefix(f.Waiting, awaitedPrefix) {
		return page, nil // no stored row holds such text, and no open task kind begins with awaitedPrefix
	}
	query, args := listSQL(f)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return page, fail(ctx, err, "list applications")
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return page, fail(ctx, err, "list applications")
		}
		page.Items = append(page.Items, *a)
	}
	if err := rows.Err(); err != nil {
		return page, fail(ctx, err, "list applications")
	}
	if n := len(page.Items); n == f.Limit {
		last := page.Items[n-1]
		page.Next = registry.EncodeCursor(registry.Position{CreatedAt: last.CreatedAt, Key: last.ID})
	}
	return page, nil
}

// listSQL selects the applications f (normalized) matches. A listing by
// open task kind, or by awaited participant, reads application_waiting's
// queue index — by kind, or by kind and stage —, whose rows carry the
// application's stage and created_at, in paging order, so a page stops at
// its end; an awaited participant's rows are those of kind "@<code>"
// (awaitedPrefix). A listing by both reads the participant's rows and
// keeps those whose application also has a row of the kind, by primary
// key. Otherwise applications_stage or applications_created serve it.
func listSQL(f registry.ApplicationFilter) (string, []any) {
	var b sqlBuilder
	order := "a.created_at, a.id"
	if lead := cmp.Or(awaitedKind(f.WaitingOn), f.Waiting); lead != "" {
		b.WriteString("SELECT " + prefixed("a.", applicationColumns) +
			" FROM application_waiting w JOIN applications a ON a.id = w.application_id WHERE w.kind = " + b.arg(lead))
		if f.Stage != "" {
			b.WriteString(" AND w.stage = " + b.arg(string(f.Stage)))
		}
		if f.WaitingOn != "" && f.Waiting != "" {
			b.WriteString(" AND EXISTS (SELECT 1 FROM application_waiting k WHERE k.application_id = w.application_id AND k.kind = " +
				b.arg(f.Waiting) + ")")
		}
		order = "w.created_at, w.application_id"
	} else {
		b.WriteString("SELECT " + applicationColumns + " FROM applications a WHERE 1=1")
		if f.Stage != "" {
			b.WriteString(" AND a.stage = " + b.arg(string(f.Stage)))
		}
	}
	if f.ParticipantCode != "" {
		// participant_code <> '' lets the partial unique index serve it.
		b.WriteString(" AND a.participant_code = " + b.arg(f.ParticipantCode) + " AND a.participant_code <> ''")
	}
	if f.Cursor != "" {
		pos, _ := registry.DecodeCursor(f.Cursor) // Normalize checked it
		b.WriteString(" AND (" + order + ") > (" + b.arg(positionTime(pos)) + ", " + b.arg(pos.Key) + ")")
	}
	b.WriteString(" ORDER BY " + order + " LIMIT " + b.arg(f.Limit) + " OFFSET " + b.arg(f.Offset))
	return b.String(), b.args
}

// awaitedKind is the kind column of the application_waiting rows of the
// applications awaiting the participant code, "" for none.
func awaitedKind(code string) string {
	if code == "" {
		return ""
	}
	return awaitedPrefix + code
}

// prefixed qualifies each of a comma-separated column list.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// Events returns an application's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, applicationID string) ([]registry.Event, error) {
	return s.trail(ctx, s.stmts.selectEvents, applicationID)
}

// EventsAfter returns the events of an application's audit trail after
// afterSeq, oldest first, at most limit of them (registry.EventPager): a
// walk of audit_events' primary key from (applicationID, afterSeq) that
// stops at the page's end, so a page costs the same however long the
// trail.
func (s *Store) EventsAfter(ctx context.Context, applicationID string, afterSeq int64, limit int) ([]registry.Event, error) {
	limit, err := registry.CheckEventsLimit(limit)
	if err != nil {
		return nil, err
	}
	return s.trail(ctx, s.stmts.selectEventsAfter, applicationID, afterSeq, limit)
}

// trail reads events of an application with st, a read of its
// audit_events rows in eventReadColumns, oldest first, whose first
// argument is the application's id and whose others are more. No events
// from an application that does not exist is ErrNotFound.
func (s *Store) trail(ctx context.Context, st *sql.Stmt, applicationID string, more ...any) ([]registry.Event, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !registry.StorableText(applicationID) {
		return nil, fmt.Errorf("%w: application %q", registry.ErrNotFound, applicationID)
	}
	out, err := s.readEvents(ctx, st, applicationID, more...)
	if err != nil {
		return nil, fail(ctx, err, "read the audit trail of application %q", applicationID)
	}
	if len(out) == 0 {
		// An application has no events (after the ones asked past), or
		// there is no such application.
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

// readEvents runs st, a read of an application's events as trail
// describes, and decodes its rows.
func (s *Store) readEvents(ctx context.Context, st *sql.Stmt, applicationID string, more ...any) ([]registry.Event, error) {
	st, done := s.pointRead(st)
	defer done()
	rows, err := st.QueryContext(ctx, append([]any{applicationID}, more...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Event
	for rows.Next() {
		e := registry.Event{ApplicationID: applicationID}
		var ns int64
		if err := rows.Scan(&e.Seq, &ns, &e.Actor, &e.Action, &e.From, &e.To, &e.Reason, &e.PrevHash, &e.Hash, &e.Seal, &e.RequestID); err != nil {
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

// participantEstimate is about how many participants there are, read in
// constant time: SQLite's largest rowid, PostgreSQL's statistics (zero
// before the table was first analyzed).
func (s *Store) participantEstimate(ctx context.Context) (int64, error) {
	query := "SELECT coalesce(max(rowid), 0) FROM participants"
	if s.dialect == Postgres {
		query = "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'participants'::regclass"
	}
	var n int64
	if err := s.queryRow(ctx, query).Scan(&n); err != nil {
		return 0, fail(ctx, err, "search participants")
	}
	return n, nil
}
