package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestUpgradeToOneApplicationPerCodeNamesTheSharedCodes: before version 12
// the store let an application be written with another's participant
// code. Opening such a database does not fail on the new unique index with
// a bare constraint error: it is ErrMigrationBlocked naming the code and
// the applications that hold it, with nothing changed; once the operator
// gives one of them no code, the store opens at the latest version.
func TestUpgradeToOneApplicationPerCodeNamesTheSharedCodes(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, db := atVersion(t, b, "v11", 11) // stays open beside the stores opened below
		t.Cleanup(func() { s.Close() })
		created := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC).UnixNano()
		for i, id := range []string{"app-1", "app-2", "app-3"} {
			_, err := db.ExecContext(ctx, `INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
				VALUES ($1, NULL, $2, 'submitted', '[]', 1, $3, $3, NULL)`, id, map[bool]string{true: "1000001@hcx", false: "1000002@hcx"}[i < 2], created+int64(i))
			require.NoError(t, err)
		}

		_, err := b.open(t, "v11")
		require.ErrorIs(t, err, sqlstore.ErrMigrationBlocked)
		require.Contains(t, err.Error(), `"1000001@hcx" by applications app-1, app-2`)
		require.NotContains(t, err.Error(), "1000002@hcx", "a code one application holds is fine")
		var version int
		require.NoError(t, db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&version))
		require.Equal(t, 11, version, "nothing was changed")

		_, err = db.ExecContext(ctx, "UPDATE applications SET participant_code = '' WHERE id = 'app-2'")
		require.NoError(t, err)
		mended, err := b.open(t, "v11")
		require.NoError(t, err, "mended, the database opens")
		t.Cleanup(func() { mended.Close() })
	})
}
