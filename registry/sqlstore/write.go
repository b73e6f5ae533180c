package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// errKeyTaken marks a Create that hit the idempotency key's constraint;
// Create then decides between ErrConflict (the id is taken too) and
// ErrDuplicateKey, as the memory store does.
var errKeyTaken = errors.New("idempotency key taken")

// Create stores a new application as version 1 with its participant and
// its first audit events, in one transaction.
func (s *Store) Create(ctx context.Context, w registry.Write) error {
	if err := w.Validate(); err != nil {
		return err
	}
	a := w.Application
	if a.Version != 0 {
		return fmt.Errorf("registry: create: application %q has version %d, want 0", a.ID, a.Version)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	row, err := encodeApplication(a)
	if err != nil {
		return err
	}
	var p *participantRow
	if w.Participant != nil {
		if p, err = encodeParticipantRow(w.Participant); err != nil {
			return err
		}
	}
	events, err := encodeEvents(w.Events)
	if err != nil {
		return err
	}

	err = s.inTx(ctx, func(q queryer) error {
		if _, err := q.ExecContext(ctx, `INSERT INTO applications
			(id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)`,
			a.ID, row.key, a.ParticipantCode, string(a.Stage), row.waiting, row.created, row.updated, row.state); err != nil {
			if violated, onKey := uniqueViolation(err); violated {
				if onKey {
					return errKeyTaken
				}
				return fmt.Errorf("%w: application %q exists", registry.ErrConflict, a.ID)
			}
			return fail(ctx, err, "create application %q", a.ID)
		}
		if err := insertWaiting(ctx, q, a.ID, a.Waiting); err != nil {
			return err
		}
		if p != nil {
			if err := s.putParticipant(ctx, q, p, false); err != nil {
				return err
			}
		}
		return s.appendEvents(ctx, q, a.ID, 0, events)
	})
	if errors.Is(err, errKeyTaken) {
		return s.keyTaken(ctx, a)
	}
	if err != nil {
		return err
	}
	a.Version = 1
	return nil
}

// keyTaken reports a Create whose idempotency key is taken: ErrConflict
// when its id is taken as well, otherwise ErrDuplicateKey.
func (s *Store) keyTaken(ctx context.Context, a *registry.Application) error {
	var one int
	switch err := s.db.QueryRowContext(ctx, "SELECT 1 FROM applications WHERE id = $1", a.ID).Scan(&one); {
	case err == nil:
		return fmt.Errorf("%w: application %q exists", registry.ErrConflict, a.ID)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %q", registry.ErrDuplicateKey, a.Key)
	default:
		return fail(ctx, err, "create application %q", a.ID)
	}
}

// Update replaces the application at its expected version, upserts its
// participant and appends its events, in one transaction.
func (s *Store) Update(ctx context.Context, w registry.Write) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	a := w.Application
	row, err := encodeApplication(a)
	if err != nil {
		return err
	}
	var p *participantRow
	if w.Participant != nil {
		if p, err = encodeParticipantRow(w.Participant); err != nil {
			return err
		}
	}
	events, err := encodeEvents(w.Events)
	if err != nil {
		return err
	}

	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE" // SQLite's BEGIN IMMEDIATE already excludes other writers
	}
	err = s.inTx(ctx, func(q queryer) error {
		var (
			version int64
			key     sql.NullString
			code    string
			lastSeq int64
		)
		err := q.QueryRowContext(ctx, `SELECT version, idempotency_key, participant_code,
			(SELECT coalesce(max(seq), 0) FROM audit_events WHERE application_id = $1)
			FROM applications WHERE id = $1`+lock, a.ID).Scan(&version, &key, &code, &lastSeq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: application %q", registry.ErrNotFound, a.ID)
		case err != nil:
			return fail(ctx, err, "read application %q", a.ID)
		case version != a.Version:
			return fmt.Errorf("%w: application %q is at version %d, not %d", registry.ErrVersionConflict, a.ID, version, a.Version)
		case key.String != a.Key:
			return fmt.Errorf("registry: update: the idempotency key of application %q cannot change", a.ID)
		case code != "" && a.ParticipantCode != code:
			return fmt.Errorf("registry: update: application %q belongs to participant %q", a.ID, code)
		}

		res, err := q.ExecContext(ctx, `UPDATE applications
			SET participant_code = $3, stage = $4, waiting = $5, created_at = $6, updated_at = $7, state = $8,
			    version = version + 1
			WHERE id = $1 AND version = $2`,
			a.ID, a.Version, a.ParticipantCode, string(a.Stage), row.waiting, row.created, row.updated, row.state)
		if err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		} else if n != 1 {
			return fmt.Errorf("%w: application %q changed while being updated", registry.ErrVersionConflict, a.ID)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM application_waiting WHERE application_id = $1", a.ID); err != nil {
			return fail(ctx, err, "update application %q", a.ID)
		}
		if err := insertWaiting(ctx, q, a.ID, a.Waiting); err != nil {
			return err
		}
		if p != nil {
			// A participant the application already had is replaced; one
			// it attaches now must be new.
			if err := s.putParticipant(ctx, q, p, code != ""); err != nil {
				return err
			}
		}
		return s.appendEvents(ctx, q, a.ID, lastSeq, events)
	})
	if err != nil {
		return err
	}
	a.Version++
	return nil
}

// applicationRow holds an application's encoded columns.
type applicationRow struct {
	key              any // nil for no key
	waiting          string
	created, updated int64
	state            []byte
}

func encodeApplication(a *registry.Application) (applicationRow, error) {
	var r applicationRow
	var err error
	if a.Key != "" {
		r.key = a.Key
	}
	if r.waiting, err = encodeWaiting(a.Waiting); err != nil {
		return r, fmt.Errorf("sqlstore: application %q: encode waiting: %w", a.ID, err)
	}
	if r.created, err = encodeTime(a.CreatedAt, "application created_at"); err != nil {
		return r, err
	}
	if r.updated, err = encodeTime(a.UpdatedAt, "application updated_at"); err != nil {
		return r, err
	}
	if len(a.State) > 0 {
		r.state = a.State
	}
	return r, nil
}

func insertWaiting(ctx context.Context, q queryer, appID string, waiting []string) error {
	seen := make(map[string]bool, len(waiting))
	var b valuesBuilder
	for _, kind := range waiting {
		if !seen[kind] {
			seen[kind] = true
			b.row(appID, kind)
		}
	}
	if b.rows == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO application_waiting (application_id, kind) VALUES "+b.String(), b.args...); err != nil {
		return fail(ctx, err, "store the open tasks of application %q", appID)
	}
	return nil
}

// participantRow holds a participant's encoded columns.
type participantRow struct {
	p                *hcxonboard.Participant
	record           []byte
	created, updated int64
}

func encodeParticipantRow(p *hcxonboard.Participant) (*participantRow, error) {
	record, err := encodeParticipant(p)
	if err != nil {
		return nil, err
	}
	r := &participantRow{p: p, record: record}
	if r.created, err = encodeTime(p.CreatedAt, "participant created_at"); err != nil {
		return nil, err
	}
	if r.updated, err = encodeTime(p.UpdatedAt, "participant updated_at"); err != nil {
		return nil, err
	}
	return r, nil
}

const participantInsert = `INSERT INTO participants
	(participant_code, participant_name, status, primary_email, primary_mobile, scheme_code,
	 code_lower, name_lower, status_lower, email_lower, mobile_lower, scheme_lower,
	 created_at, updated_at, record)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

const participantUpsert = participantInsert + `
	ON CONFLICT (participant_code) DO UPDATE SET
	participant_name = excluded.participant_name, status = excluded.status,
	primary_email = excluded.primary_email, primary_mobile = excluded.primary_mobile,
	scheme_code = excluded.scheme_code, code_lower = excluded.code_lower,
	name_lower = excluded.name_lower, status_lower = excluded.status_lower,
	email_lower = excluded.email_lower, mobile_lower = excluded.mobile_lower,
	scheme_lower = excluded.scheme_lower, created_at = excluded.created_at,
	updated_at = excluded.updated_at, record = excluded.record`

// putParticipant inserts a participant (a taken code is ErrConflict) or,
// with replace, inserts or replaces it; then it rewrites its role and
// linked-code rows.
func (s *Store) putParticipant(ctx context.Context, q queryer, r *participantRow, replace bool) error {
	p := r.p
	stmt := participantInsert
	if replace {
		stmt = participantUpsert
	}
	record := any(r.record)
	if s.dialect == Postgres {
		record = string(r.record) // jsonb takes text
	}
	if _, err := q.ExecContext(ctx, stmt,
		p.ParticipantCode, p.ParticipantName, string(p.Status), p.PrimaryEmail, p.PrimaryMobile, p.SchemeCode,
		lower(p.ParticipantCode), lower(p.ParticipantName), lower(string(p.Status)), lower(p.PrimaryEmail), lower(p.PrimaryMobile), lower(p.SchemeCode),
		r.created, r.updated, record); err != nil {
		if violated, _ := uniqueViolation(err); violated {
			return fmt.Errorf("%w: participant %q exists", registry.ErrConflict, p.ParticipantCode)
		}
		return fail(ctx, err, "store participant %q", p.ParticipantCode)
	}
	if replace {
		for _, table := range []string{"participant_roles", "participant_linked_codes"} {
			// table comes from the fixed list above, never from input.
			if _, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE participant_code = $1", p.ParticipantCode); err != nil {
				return fail(ctx, err, "store participant %q", p.ParticipantCode)
			}
		}
	}
	var roles valuesBuilder
	for i, role := range p.Roles {
		roles.row(p.ParticipantCode, i, string(role), lower(string(role)))
	}
	if roles.rows > 0 {
		if _, err := q.ExecContext(ctx, "INSERT INTO participant_roles (participant_code, position, role, role_lower) VALUES "+roles.String(), roles.args...); err != nil {
			return fail(ctx, err, "store the roles of participant %q", p.ParticipantCode)
		}
	}
	var linked valuesBuilder
	for i, code := range p.LinkedRegistryCodes {
		linked.row(p.ParticipantCode, i, code, lower(code))
	}
	if linked.rows > 0 {
		if _, err := q.ExecContext(ctx, "INSERT INTO participant_linked_codes (participant_code, position, linked_code, linked_code_lower) VALUES "+linked.String(), linked.args...); err != nil {
			return fail(ctx, err, "store the linked codes of participant %q", p.ParticipantCode)
		}
	}
	return nil
}

// eventRow is an audit event with its time encoded.
type eventRow struct {
	registry.Event
	timeNS int64
}

func encodeEvents(events []registry.Event) ([]eventRow, error) {
	out := make([]eventRow, len(events))
	for i, e := range events {
		n, err := encodeTime(e.Time, fmt.Sprintf("audit event %d time", e.Seq))
		if err != nil {
			return nil, err
		}
		out[i] = eventRow{Event: e, timeNS: n}
	}
	return out, nil
}

// appendEvents stores events after the application's event lastSeq; they
// must be numbered lastSeq+1, lastSeq+2 … (else ErrConflict).
func (s *Store) appendEvents(ctx context.Context, q queryer, appID string, lastSeq int64, events []eventRow) error {
	if len(events) == 0 {
		return nil
	}
	var b valuesBuilder
	next := lastSeq + 1
	for _, e := range events {
		if e.Seq != next {
			return fmt.Errorf("%w: audit event %d of application %q, expected %d", registry.ErrConflict, e.Seq, appID, next)
		}
		next++
		b.row(appID, e.Seq, e.timeNS, e.Actor, e.Action, e.From, e.To, e.Reason, e.PrevHash, e.Hash)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO audit_events
		(application_id, seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash)
		VALUES `+b.String(), b.args...); err != nil {
		if violated, _ := uniqueViolation(err); violated {
			return fmt.Errorf("%w: audit events %d..%d of application %q", registry.ErrConflict, lastSeq+1, next-1, appID)
		}
		return fail(ctx, err, "append audit events to application %q", appID)
	}
	return nil
}

// valuesBuilder builds the VALUES rows of a multi-row INSERT: only
// placeholders go into the text, the values go into args.
type valuesBuilder struct {
	sb   strings.Builder
	args []any
	rows int
}

func (b *valuesBuilder) row(values ...any) {
	if b.rows > 0 {
		b.sb.WriteString(", ")
	}
	b.sb.WriteByte('(')
	for i, v := range values {
		if i > 0 {
			b.sb.WriteString(", ")
		}
		b.args = append(b.args, v)
		b.sb.WriteString("$" + strconv.Itoa(len(b.args)))
	}
	b.sb.WriteByte(')')
	b.rows++
}

func (b *valuesBuilder) String() string { return b.sb.String() }
