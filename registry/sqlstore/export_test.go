package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
