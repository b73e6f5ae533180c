package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestUpgradeToWaitingOnSkipsRecipientsNoCodeCanBe opens a database that
// version 15 wrote, whose application's open approval tasks were
// addressed, as earlier versions allowed, to what the applicant typed: a
// payer's name far longer than any participant code the store holds. The
// upgrade does not stop on it (an index row of such a kind exceeds what
// PostgreSQL indexes), the application awaits the payer whose code it
// named alone, and the engine can write it again (a code longer than
// registry.MaxKeyLength would refuse every write).
func TestUpgradeToWaitingOnSkipsRecipientsNoCodeCanBe(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		// Text that does not compress: hex digests, 12,800 bytes.
		var long strings.Builder
		for i := 0; long.Len() < 50*registry.MaxKeyLength; i++ {
			sum := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
			long.WriteString(hex.EncodeToString(sum[:]))
		}
		justOver := strings.Repeat("p", registry.MaxKeyLength+1)
		state := `{"submitted":{},"tasks":[
			{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"},
			{"id":"t2","kind":"approval","state":"open","recipient":"` + long.String() + `"},
			{"id":"t3","kind":"approval","state":"open","recipient":"` + justOver + `"},
			{"id":"t4","kind":"approval","state":"open","recipient":"` + strings.Repeat("p", registry.MaxKeyLength) + `"}]}`
		s := upgradedFrom15(t, b, "v15long", state)
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))

		a, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Equal(t, []string{"payer-1@hcx", strings.Repeat("p", registry.MaxKeyLength)}, a.WaitingOn,
			"a recipient longer than any participant code is awaited by no index row")
		got, err := s.ListApplications(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "payer-1@hcx"})
		require.NoError(t, err)
		require.Equal(t, []string{"app-1"}, ids(got))
		a.UpdatedAt = a.UpdatedAt.Add(time.Second)
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}), "the upgraded application can be written")
	})
}

// TestUpgradeToWaitingOnReadsStatesWithNUL opens a database that version
// 15 wrote, whose application's state holds a \u0000 escape (text stored
// before the engine refused it): the application still awaits the payer
// its open approval task is addressed to after the upgrade, on PostgreSQL
// (whose jsonb refuses that escape) as on SQLite.
func TestUpgradeToWaitingOnReadsStatesWithNUL(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		state := `{"submitted":{"participant_name":"City\u0000Hospital","address":"a \\u0000 b"},"tasks":[
			{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"}]}`
		s := upgradedFrom15(t, b, "v15nul", state)
		got, err := s.ListApplications(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: "payer-1@hcx"})
		require.NoError(t, err)
		require.Equal(t, []string{"app-1"}, ids(got))
		a, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Equal(t, state, string(a.State), "the state is as it was")
	})
}

// upgradedFrom15 writes, at schema version 15, an application app-1
// waiting on approval with the engine state state, and returns the store
// opened again, upgraded.
func upgradedFrom15(t *testing.T, b backend, name, state string) *sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	s, db := atVersion(t, b, name, 15)
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC).UnixNano()
	_, err := db.ExecContext(ctx, `INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
		VALUES ('app-1', NULL, '', 'verifying', '["approval"]', 1, $1, $1, $2)`, at, []byte(state))
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO application_waiting (application_id, kind, stage, created_at) VALUES ('app-1', 'approval', 'verifying', $1)`, at)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = b.open(t, name)
	require.NoError(t, err, "the upgrade")
	t.Cleanup(func() { s.Close() })
	return s
}
