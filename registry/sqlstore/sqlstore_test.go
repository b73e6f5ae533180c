package sqlstore_test

import (
	"testing"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/registry/storetest"
)

func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) })
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	sqlstoretest.PostgresDSN(t) // skip the whole suite at once when there is no server
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) })
}
