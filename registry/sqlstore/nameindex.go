package sqlstore

import (
	"context"
	"errors"
)

// ErrNoNameIndex reports a PostgreSQL database without the trigram index
// on participant names; see Store.NameIndex.
var ErrNoNameIndex = errors.New("sqlstore: participant_name has no trigram index: the pg_trgm extension was unavailable when the schema was migrated, " +
	"so contains and endsWith on participant_name read participants in order instead of through an index; " +
	"as a superuser run CREATE EXTENSION pg_trgm SCHEMA public, then, as the store's role, " +
	"CREATE INDEX participants_name_trgm ON participants USING gin (name_lower public.gin_trgm_ops), and reopen the Store")

// NameIndex reports whether contains and endsWith searches on
// participant_name are served by an index: nil if so (always on SQLite,
// whose FTS5 trigram index needs nothing of the server), ErrNoNameIndex,
// saying how to add it, if not. Such searches work either way; without
// the index they cost time in proportion to the participants read.
func (s *Store) NameIndex() error {
	if s.nameIndex {
		return nil
	}
	return ErrNoNameIndex
}

// findNameIndex notes whether the trigram indexes on participant names,
// and on codes, e-mails and mobiles, exist.
func (s *Store) findNameIndex(ctx context.Context) error {
	if s.dialect == SQLite {
		s.nameIndex, s.contactIndex = true, true
		return nil
	}
	var names, contacts int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE indexname = 'participants_name_trgm'),
		count(*) FILTER (WHERE indexname IN ('participants_code_trgm', 'participants_email_trgm', 'participants_mobile_trgm'))
		FROM pg_indexes WHERE schemaname = current_schema()`).Scan(&names, &contacts); err != nil {
		return fail(ctx, err, "look for the trigram indexes")
	}
	s.nameIndex, s.contactIndex = names > 0, contacts == 3
	return nil
}
