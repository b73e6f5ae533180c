package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// constraint is a uniqueness constraint of the schema.
type constraint int

const (
	constraintNone          constraint = iota // not a uniqueness violation
	constraintApplicationID                   // applications.id
	constraintKey                             // applications.idempotency_key
	constraintParticipant                     // participants.participant_code
	constraintCode                            // applications.participant_code (where set)
	constraintClaim                           // application_claims.claim
	constraintOutbox                          // outbox.id
	constraintOther                           // any other (audit_events' key, …)
)

// constraintOf names the uniqueness constraint err violates. It reads
// SQLite's extended result codes (SQLITE_CONSTRAINT_PRIMARYKEY,
// SQLITE_CONSTRAINT_UNIQUE) with the table.column their message names —
// SQLite has no constraint name to ask for — and PostgreSQL's SQLSTATE 23505
// with its constraint name.
func constraintOf(err error) constraint {
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code(); c != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY && c != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
			return constraintNone
		}
		msg := se.Error() // "… UNIQUE constraint failed: applications.idempotency_key …"
		switch {
		case strings.Contains(msg, "applications.idempotency_key"): // before applications.id, its prefix
			return constraintKey
		case strings.Contains(msg, "applications.participant_code"):
			return constraintCode
		case strings.Contains(msg, "applications.id"):
			return constraintApplicationID
		case strings.Contains(msg, "participants.participant_code"):
			return constraintParticipant
		case strings.Contains(msg, "application_claims.claim"):
			return constraintClaim
		case strings.Contains(msg, "outbox.id"):
			return constraintOutbox
		}
		return constraintOther
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		switch pe.ConstraintName {
		case "applications_pkey":
			return constraintApplicationID
		case "applications_key_unique":
			return constraintKey
		case "participants_pkey":
			return constraintParticipant
		case "applications_participant":
			return constraintCode
		case "application_claims_pkey":
			return constraintClaim
		case "outbox_pkey":
			return constraintOutbox
		}
		return constraintOther
	}
	return constraintNone
}

// isBusy reports a SQLite "database is locked" (SQLITE_BUSY, with any
// extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}
