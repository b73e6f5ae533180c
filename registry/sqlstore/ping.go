package sqlstore

import (
	"context"
	"fmt"
)

// Ping reports whether the Store can serve: the database answers and its
// schema is at the version this program's migrations make. A schema
// behind it (migrations rolled back, a database restored from before
// them) is an error naming both versions; one ahead of it (a replica
// running newer code migrated it) wraps ErrSchemaTooNew, as opening it
// would. onboarding.Service.Ready calls it for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	want, err := schemaVersion(s.dialect)
	if err != nil {
		return err
	}
	var current int
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fail(ctx, err, "read the schema version")
	}
	switch {
	case current < want:
		return fmt.Errorf("sqlstore: the %s schema is at version %d; this program needs version %d: open the store again to migrate it", s.dialect, current, want)
	case current > want:
		return fmt.Errorf("%w: the %s database is at version %d, this program knows versions up to %d", ErrSchemaTooNew, s.dialect, current, want)
	}
	return nil
}
