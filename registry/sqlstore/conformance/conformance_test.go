// Package conformance runs the registry's store conformance suite
// (registry/storetest) against the SQL stores: SQLite, SQLite on a pool of
// one connection, and PostgreSQL where HCX_TEST_POSTGRES_DSN names a
// server. It is a package of its own, beside sqlstore's tests, so that
// go test runs the two at once.
package conformance

import (
	"testing"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/registry/storetest"
)

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) })
}

// A pool of one connection serialises readers behind the writer; the
// store must not wait on itself.
func TestSQLiteConformanceOnOneConnection(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t, sqlstore.WithMaxOpenConns(1)) })
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	sqlstoretest.PostgresDSN(t) // skip the whole suite at once when there is no server
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) })
}
