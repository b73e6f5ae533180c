package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/openhcx/hcxonboard/registry"
)

// DBOf exposes a Store's pool to the external tests.
func DBOf(s *Store) *sql.DB { return s.db }

// MigrationCount is the number of embedded migrations of a dialect.
func MigrationCount(d Dialect) int {
	ms, err := migrationsFor(d)
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// MigrateTo applies a dialect's migrations 1 to version on db, leaving the
// database as a program that knew only those would.
func MigrateTo(ctx context.Context, db *sql.DB, d Dialect, version int) error {
	ms, err := migrationsFor(d)
	if err != nil {
		return err
	}
	if version < 1 || version > len(ms) {
		return fmt.Errorf("no migration %d of %s", version, d)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := applyMigrations(ctx, tx, ms[:version]); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// SetDriveLimit changes the count under which a search condition always
// leads the search (see planSearch), so tests can take either plan with a
// few rows.
func SetDriveLimit(s *Store, n int) { s.driveLimit = n }

// SearchSQL returns the text and arguments of q's search as s would run
// it, for EXPLAIN.
func SearchSQL(ctx context.Context, s *Store, q registry.Query) (string, []any, error) {
	q, err := q.Normalize()
	if err != nil {
		return "", nil, err
	}
	plan, err := s.planSearch(ctx, q)
	if err != nil {
		return "", nil, err
	}
	return searchSQL(q, plan)
}

// ListSQL returns the text and arguments of f's listing.
func ListSQL(s *Store, f registry.ApplicationFilter) (string, []any, error) {
	f, err := f.Normalize()
	if err != nil {
		return "", nil, err
	}
	text, args := listSQL(f)
	return text, args, nil
}

// CertificatesExpiringSQL is the text of Store.CertificatesExpiring.
func CertificatesExpiringSQL(d Dialect, cursor bool) string {
	return certificatesExpiringSQL(d, cursor)
}

// DueSQL is the text of Store.DueApplications.
func DueSQL(cursor bool) string { return dueSQL(cursor) }

// ListOutboxSQL exposes ListOutbox's statement to the plan tests.
func ListOutboxSQL(f registry.OutboxFilter) (string, []any) {
	f, err := f.Normalize()
	if err != nil {
		panic(err)
	}
	return listOutboxSQL(f)
}

// EventsAfterSQL is the text of Store.EventsAfter.
const EventsAfterSQL = eventsAfterSQL

// EventColumns are audit_events' columns, in the order the store inserts
// them.
const EventColumns = eventColumns

// PurgeOutboxSQL is the text of Store.PurgeOutbox on d.
func PurgeOutboxSQL(d Dialect) string { return purgeOutbox[d] }
