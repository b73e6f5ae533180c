package sqlstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The constraint that guards idempotency keys: its PostgreSQL name, and the
// column SQLite names in its message.
const (
	pgKeyConstraint     = "applications_key_unique"
	sqliteKeyConstraint = "applications.idempotency_key"
)

// uniqueViolation reports whether err is a unique or primary-key violation,
// and whether the violated constraint is the idempotency key's. It reads
// SQLite's extended result codes (and, for a UNIQUE violation, the column
// its message names) and PostgreSQL's SQLSTATE 23505 with its constraint
// name.
func uniqueViolation(err error) (violated, onKey bool) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true, false
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			// SQLite has no constraint name to ask for; its message names
			// the column: "UNIQUE constraint failed: applications.idempotency_key".
			return true, strings.Contains(se.Error(), sqliteKeyConstraint)
		}
		return false, false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return true, pe.ConstraintName == pgKeyConstraint
	}
	return false, false
}
