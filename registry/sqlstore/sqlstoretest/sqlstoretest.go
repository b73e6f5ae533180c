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
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
// when t ends. The file starts as a copy of one that OpenSQLite created
// and migrated once for the whole test binary, so that a suite opening
// hundreds of stores does not run every migration for each (a fifth of a
// second apiece under the race detector); OpenSQLite then finds the
// schema current, as it would in a file it had just created.
func SQLite(t testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	image, err := migratedSQLite()
	if err != nil {
		t.Fatalf("sqlstoretest: migrate a new SQLite file: %v", err)
	}
	path := filepath.Join(t.TempDir(), "registry.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatalf("sqlstoretest: %v", err)
	}
	s, err := sqlstore.OpenSQLite(context.Background(), path, opts...)
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

var migrated struct {
	once  sync.Once
	image []byte
	err   error
}

// migratedSQLite returns the bytes of a database file as OpenSQLite
// leaves a new one: created, in WAL mode (which the file records) and
// migrated, closed so that nothing of it is left in a WAL beside it.
func migratedSQLite() ([]byte, error) {
	migrated.once.Do(func() {
		dir, err := os.MkdirTemp("", "sqlstoretest-")
		if err != nil {
			migrated.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "registry.db")
		s, err := sqlstore.OpenSQLite(context.Background(), path)
		if err != nil {
			migrated.err = err
			return
		}
		if err := s.Close(); err != nil {
			migrated.err = err
			return
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			migrated.err = fmt.Errorf("%s-wal holds %d bytes after the store closed", path, fi.Size())
			return
		}
		migrated.image, migrated.err = os.ReadFile(path)
	})
	return migrated.image, migrated.err
}
