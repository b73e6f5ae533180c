package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// Ping answers for /readyz: the database answers and its schema is the
// one this program migrates to — not behind it, not ahead of it — and a
// closed store is not ready.
func TestPingChecksTheSchema(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "ping")
		require.NoError(t, err)
		require.NoError(t, s.Ping(ctx))
		db := sqlstore.DBOf(s)
		latest := sqlstore.MigrationCount(b.dialect)

		_, err = db.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', $2)", latest+1, time.Now().UnixNano())
		require.NoError(t, err)
		require.ErrorIs(t, s.Ping(ctx), sqlstore.ErrSchemaTooNew)

		_, err = db.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version >= $1", latest)
		require.NoError(t, err)
		err = s.Ping(ctx)
		require.Error(t, err)
		require.ErrorContains(t, err, "needs version")

		require.NoError(t, s.Close())
		require.ErrorIs(t, s.Ping(ctx), sqlstore.ErrClosed)
	})
}
