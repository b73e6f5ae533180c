// Package sqlstoretest opens throw-away SQL stores for tests: a SQLite
// file in the test's temporary directory, or a PostgreSQL schema of its own
// on the server named by HCX_TEST_POSTGRES_DSN, dropped when the test ends.
//
// Without HCX_TEST_POSTGRES_DSN the PostgreSQL helpers skip the test with a
// message; where HCX_REQUIRE_SERVICES is set, as in CI, they fail it
// instead, so a suite that should have run cannot pass by skipping.
package sqlstoretest

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

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// Environment variables the helpers read.
const (
	EnvPostgresDSN     = "HCX_TEST_POSTGRES_DSN"
	EnvRequireServices = "HCX_REQUIRE_SERVICES"
)

// SQLite opens a store in a new file of t's temporary directory, closed
// when t ends.
func SQLite(t testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "registry.db"), opts...)
	if err != nil {
		t.Fatalf("sqlstoretest: open SQLite: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("sqlstoretest: close SQLite: %v", err)
		}
	})
	return s
}

// PostgresDSN returns the test server's DSN, skipping t when none is
// configured (failing it where HCX_REQUIRE_SERVICES is set).
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgresDSN)
	if dsn == "" {
		if os.Getenv(EnvRequireServices) != "" {
			t.Fatalf("%s is not set but %s is: PostgreSQL did not start", EnvPostgresDSN, EnvRequireServices)
		}
		t.Skipf("PostgreSQL tests skipped: set %s (CI starts PostgreSQL 15 and sets it)", EnvPostgresDSN)
	}
	return dsn
}

// Postgres opens a store in a fresh schema on the test server (see
// PostgresDSN), closed and dropped when t ends.
func Postgres(t testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenPostgres(context.Background(), FreshSchema(t, PostgresDSN(t)), opts...)
	if err != nil {
		t.Fatalf("sqlstoretest: open PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("sqlstoretest: close PostgreSQL: %v", err)
		}
	})
	return s
}

// FreshSchema creates a schema with a random name, drops it when t ends,
// and returns dsn with its search_path set to it, so that parallel tests
// and parallel runs never share tables.
func FreshSchema(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("sqlstoretest: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("sqlstoretest: %v", err)
	}
	schema := "hcxtest_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("sqlstoretest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("sqlstoretest: drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(dsn, schema)
}

// WithSearchPath returns dsn, in URL or key=value form, with its
// search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}
