package sqlstore

import "database/sql"

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
