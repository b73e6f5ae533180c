package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/registry"
)

// statements are the fixed statements of a Store, prepared once when it
// opens. database/sql prepares each again on every connection that runs
// it, once, and reuses it in transactions (Tx.StmtContext), so a database
// parses a statement once per connection instead of once per call. A
// SQLite Store's writer connection has them prepared on it as well (see
// writer).
type statements struct {
	insertApplication, insertWaiting, insertParticipant, upsertParticipant,
	insertEvent, insertClaim, deleteClaim,
	lockApplication, updateApplication, deleteWaiting, syncWaiting, deleteValue,
	selectParticipant, selectApplication, selectApplicationByKey, selectApplicationByClaim, selectEvents, applicationExists,
	keyExists, participantExists, claimHolder *sql.Stmt

	// codeHeld counts the applications holding a participant code (the
	// partial unique index applications_participant).
	codeHeld *sql.Stmt

	// participantStatus reads a participant's status inside a write that
	// requires it Active (Write.RequireActive), its row held FOR SHARE on
	// PostgreSQL.
	participantStatus *sql.Stmt

	// selectEventsAfter reads a page of a trail after a sequence number
	// (EventsAfter).
	selectEventsAfter *sql.Stmt

	// selectStanding reads a participant's status and its application's
	// state together (ParticipantStanding).
	selectStanding *sql.Stmt

	// insertNameIndex adds a new participant's row to the name's trigram
	// index (its rowid, its name_lower); nil on PostgreSQL.
	insertNameIndex *sql.Stmt
	// insertContactIndex adds its row to the trigram index of codes,
	// e-mails and mobiles; nil on PostgreSQL.
	insertContactIndex *sql.Stmt

	// insertValues[n-1] inserts n participant_values rows.
	insertValues [4]*sql.Stmt

	// createAll is PostgreSQL's whole Create in one statement; nil on
	// SQLite.
	createAll *sql.Stmt

	// The savepoint around each write of a batch; nil on PostgreSQL.
	savepoint, rollbackToSavepoint, releaseSavepoint *sql.Stmt

	outbox outboxStatements
}

const applicationColumns = `id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state, claims, due_at, waiting_on`

const participantColumns = `participant_code, participant_name, status, primary_email, primary_mobile, scheme_code,
	code_lower, name_lower, status_lower, email_lower, mobile_lower, scheme_lower, created_at, updated_at, record`

const participantInsert = `INSERT INTO participants (` + participantColumns + `)
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

const eventColumns = `application_id, seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash, seal, request_id`

// eventReadColumns are the columns an application's events are read in,
// in the order scanEvents decodes them.
const eventReadColumns = `seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash, seal, request_id`

// eventsAfterSQL reads at most $3 events of application $1 after sequence
// number $2, oldest first: a walk of audit_events' primary key
// (application_id, seq) from ($1, $2) that stops at the page's end, with
// no sort, however long the trail.
const eventsAfterSQL = `SELECT ` + eventReadColumns + `
			FROM audit_events WHERE application_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`

// The field column of participant_values: which list a value belongs to.
// The IFSC of the participant's payment details, when it has one, is a
// list of one under its field name.
const (
	valueRole       = "role"
	valueLinkedCode = "linked_code"
	valueIFSC       = registry.FieldIFSCCode
)

// pgCreate stores an application, its open tasks, its claims, its
// participant with roles, linked codes and IFSC, its events and its outbox
// messages (leased, when written leased) in one statement: one round trip, atomic without an explicit transaction. Lists
// travel as arrays; the participant rows are inserted only when $38 is
// true. A claim another application holds violates
// application_claims_pkey and fails the whole statement, as an outbox
// message ID stored already violates outbox_pkey.
const pgCreate = `WITH
application AS (
	INSERT INTO applications (` + applicationColumns + `)
	VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $39, $50, $53)
),
waiting AS (
	INSERT INTO application_waiting (application_id, kind, stage, created_at)
	SELECT $1, w.kind, $4, $6 FROM unnest($9::text[]) AS w(kind)
),
claims AS (
	INSERT INTO application_claims (claim, application_id)
	SELECT c.claim, $1 FROM unnest($40::text[]) AS c(claim)
),
outbox AS (
	INSERT INTO outbox (` + outboxColumns + `)
	SELECT o.id, $1, o.kind, o.recipient, o.payload, o.created_at, o.next_attempt_at, 0, 'pending', '', o.lease_owner, o.lease_until, $48::bigint, $48::bigint
	FROM unnest($42::text[], $43::text[], $44::text[], $45::bytea[], $46::bigint[], $47::bigint[], $51::text[], $52::bigint[])
		AS o(id, kind, recipient, payload, created_at, next_attempt_at, lease_owner, lease_until)
),
participant AS (
	INSERT INTO participants (` + participantColumns + `)
	SELECT $10::text, $11::text, $12::text, $13::text, $14::text, $15::text, $16::text, $17::text, $18::text,
	       $19::text, $20::text, $21::text, $22::bigint, $23::bigint, $24::jsonb
	WHERE $38::boolean
),
participant_values AS (
	INSERT INTO participant_values (field, value, participant_code, value_lower)
	SELECT '` + valueRole + `', r.value, $10::text, r.value_lower
	FROM unnest($25::text[], $26::text[]) AS r(value, value_lower)
	UNION ALL
	SELECT '` + valueLinkedCode + `', l.value, $10::text, l.value_lower
	FROM unnest($27::text[], $28::text[]) AS l(value, value_lower)
	UNION ALL
	SELECT '` + valueIFSC + `', i.value, $10::text, i.value_lower
	FROM unnest($54::text[], $55::text[]) AS i(value, value_lower)
	ON CONFLICT DO NOTHING
)
INSERT INTO audit_events (` + eventColumns + `)
SELECT $1, e.seq, e.time_ns, e.actor, e.action, e.from_stage, e.to_stage, e.reason, e.prev_hash, e.hash, e.seal, e.request_id
FROM unnest($29::bigint[], $30::bigint[], $31::text[], $32::text[], $33::text[], $34::text[], $35::text[], $36::text[], $37::text[], $41::text[], $49::text[])
	AS e(seq, time_ns, actor, action, from_stage, to_stage, reason, prev_hash, hash, seal, request_id)`

// prepare prepares the Store's statements for its dialect.
func (s *Store) prepare(ctx context.Context) error {
	lock, share := "", ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE" // SQLite's write transactions exclude other writers already
		share = " FOR SHARE"
	}
	st := &s.stmts
	list := []struct {
		dst  **sql.Stmt
		text string
	}{
		{&st.insertApplication, `INSERT INTO applications (` + applicationColumns + `) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11)`},
		{&st.insertClaim, `INSERT INTO application_claims (claim, application_id) VALUES ($1, $2)`},
		{&st.deleteClaim, `DELETE FROM application_claims WHERE claim = $1 AND application_id = $2`},
		// A task row copies its application's stage and created_at, the
		// queue's filter and order. One row of values, not a SELECT of
		// the application's: on SQLite that would open a statement
		// journal.
		{&st.insertWaiting, `INSERT INTO application_waiting (application_id, kind, stage, created_at) VALUES ($1, $2, $3, $4)`},
		{&st.syncWaiting, `UPDATE application_waiting SET stage = $3, created_at = $4 WHERE kind = $2 AND application_id = $1`},
		{&st.insertParticipant, participantInsert},
		{&st.upsertParticipant, participantUpsert},
		{&st.insertEvent, `INSERT INTO audit_events (` + eventColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`},
		{&st.lockApplication, `SELECT version, idempotency_key, participant_code, waiting, waiting_on, claims, stage, created_at,
			(SELECT coalesce(max(seq), 0) FROM audit_events WHERE application_id = $1)
			FROM applications WHERE id = $1` + lock},
		{&st.updateApplication, `UPDATE applications
			SET participant_code = $3, stage = $4, waiting = $5, created_at = $6, updated_at = $7, state = $8, claims = $9,
			    due_at = $10, waiting_on = $11, version = version + 1
			WHERE id = $1 AND version = $2`},
		{&st.deleteWaiting, `DELETE FROM application_waiting WHERE kind = $2 AND application_id = $1`},
		{&st.deleteValue, `DELETE FROM participant_values WHERE field = $1 AND value = $2 AND participant_code = $3`},
		{&st.selectParticipant, `SELECT record, created_at, updated_at FROM participants WHERE participant_code = $1`},
		{&st.selectApplication, `SELECT ` + applicationColumns + ` FROM applications WHERE id = $1`},
		{&st.selectApplicationByKey, `SELECT ` + applicationColumns + ` FROM applications WHERE idempotency_key = $1`},
		{&st.selectApplicationByClaim, `SELECT ` + applicationColumns + ` FROM applications
			WHERE id = (SELECT application_id FROM application_claims WHERE claim = $1)`},
		{&st.claimHolder, `SELECT c.application_id, a.participant_code
			FROM application_claims c JOIN applications a ON a.id = c.application_id WHERE c.claim = $1`},
		{&st.selectEvents, `SELECT ` + eventReadColumns + `
			FROM audit_events WHERE application_id = $1 ORDER BY seq`},
		{&st.selectEventsAfter, eventsAfterSQL},
		{&st.applicationExists, `SELECT count(*) FROM applications WHERE id = $1`},
		{&st.keyExists, `SELECT count(*) FROM applications WHERE idempotency_key = $1`},
		{&st.participantExists, `SELECT count(*) FROM participants WHERE participant_code = $1`},
		{&st.codeHeld, `SELECT count(*) FROM applications WHERE participant_code = $1 AND participant_code <> ''`},
		{&st.participantStatus, `SELECT status FROM participants WHERE participant_code = $1` + share},
		{&st.selectStanding, standingSQL},
	}
	type entry = struct {
		dst  **sql.Stmt
		text string
	}
	for i := range st.insertValues {
		list = append(list, entry{&st.insertValues[i], insertValuesSQL(i + 1)})
	}
	list = append(list, s.outboxStatementTexts()...)
	if s.dialect == Postgres {
		list = append(list, entry{&st.createAll, pgCreate})
	} else {
		list = append(list,
			entry{&st.insertNameIndex, "INSERT INTO participants_name (rowid, name_lower) VALUES ($1, $2)"},
			entry{&st.insertContactIndex, "INSERT INTO participants_contacts (rowid, code_lower, email_lower, mobile_lower) VALUES ($1, $2, $3, $4)"},
			entry{&st.savepoint, "SAVEPOINT write"},
			entry{&st.rollbackToSavepoint, "ROLLBACK TO write"},
			entry{&st.releaseSavepoint, "RELEASE write"})
	}
	s.texts = make(map[*sql.Stmt]string, len(list))
	for _, l := range list {
		p, err := s.db.PrepareContext(ctx, l.text)
		if err != nil {
			s.closeStmts()
			return fail(ctx, err, "prepare statements")
		}
		*l.dst = p
		s.texts[p] = l.text
	}
	return nil
}

// insertValuesSQL inserts n participant_values rows in one statement; a
// row already there is left alone.
func insertValuesSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO participant_values (field, value, participant_code, value_lower) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// closeStmts closes the prepared statements.
func (s *Store) closeStmts() error {
	st := &s.stmts
	all := append([]*sql.Stmt{
		st.insertApplication, st.insertWaiting, st.insertParticipant, st.upsertParticipant,
		st.insertEvent, st.insertClaim, st.deleteClaim,
		st.lockApplication, st.updateApplication, st.deleteWaiting, st.syncWaiting, st.deleteValue,
		st.selectParticipant, st.selectApplication, st.selectApplicationByKey, st.selectApplicationByClaim, st.selectEvents, st.selectEventsAfter, st.applicationExists,
		st.keyExists, st.participantExists, st.codeHeld, st.participantStatus, st.claimHolder, st.createAll, st.selectStanding, st.insertNameIndex, st.insertContactIndex,
		st.savepoint, st.rollbackToSavepoint, st.releaseSavepoint,
	}, st.insertValues[:]...)
	all = append(all, st.outbox.all()...)
	var errs []error
	for _, p := range all {
		if p != nil {
			if err := p.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("sqlstore: close statements: %w", errors.Join(errs...))
	}
	return nil
}
