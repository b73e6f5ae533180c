package onboarding_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schema helper
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
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

// sqliteStore opens a SQLite store in a file of the test's temporary
// directory, closed when the test ends.
func sqliteStore(t testing.TB) registry.Store {
	t.Helper()
	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// postgresStore returns a factory of PostgreSQL stores, each in a schema
// of its own, or skips t when no server is configured (and fails it where
// HCX_REQUIRE_SERVICES demands the server, as CI does).
func postgresStore(t testing.TB) storeFactory {
	t.Helper()
	dsn := os.Getenv("HCX_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("HCX_REQUIRE_SERVICES") != "" {
			t.Fatal("HCX_TEST_POSTGRES_DSN is not set but HCX_REQUIRE_SERVICES is: PostgreSQL did not start")
		}
		t.Skip("PostgreSQL tests skipped: set HCX_TEST_POSTGRES_DSN (CI starts PostgreSQL 15 and sets it)")
	}
	return func(t testing.TB) registry.Store {
		t.Helper()
		s, err := sqlstore.OpenPostgres(context.Background(), freshSchema(t, dsn))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}
}

// freshSchema creates a schema with a random name, drops it when t ends,
// and returns dsn with its search_path set to it, so that parallel tests
// and parallel runs never share tables.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, err = rand.Read(b[:])
	require.NoError(t, err)
	schema := "onboarding_" + hex.EncodeToString(b[:])
	_, err = admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		require.NoError(t, err)
	})
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}
