package onboarding_test

import (
	"testing"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// The engine's end-to-end and racing tests over the SQL stores: SQLite in a
// temporary file, and PostgreSQL where HCX_TEST_POSTGRES_DSN names a server
// (a fresh schema per store).

func TestEndToEndSQLiteStore(t *testing.T) {
	t.Parallel()
	testEndToEnd(t, sqliteStore)
}

func TestEndToEndPostgresStore(t *testing.T) {
	t.Parallel()
	testEndToEnd(t, postgresStore(t))
}

func TestRacingTransitionsHaveOneWinnerSQLite(t *testing.T) {
	t.Parallel()
	testOneWinner(t, sqliteStore)
}

func TestRacingTransitionsHaveOneWinnerPostgres(t *testing.T) {
	t.Parallel()
	testOneWinner(t, postgresStore(t))
}

func sqliteStore(t testing.TB) registry.Store { return sqlstoretest.SQLite(t) }

// postgresStore skips t at once when no server is configured (fails it
// where HCX_REQUIRE_SERVICES demands one), else returns a factory of
// stores, each in a schema of its own.
func postgresStore(t testing.TB) storeFactory {
	t.Helper()
	sqlstoretest.PostgresDSN(t)
	return func(t testing.TB) registry.Store { return sqlstoretest.Postgres(t) }
}
