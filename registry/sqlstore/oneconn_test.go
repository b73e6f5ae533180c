package sqlstore_test

import (
	"testing"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
	"github.com/openhcx/hcxonboard/registry/storetest"
)

// A pool of one connection serialises readers behind the writer; the
// store must not wait on itself.
func TestSQLiteConformanceOnOneConnection(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t, sqlstore.WithMaxOpenConns(1)) })
}
