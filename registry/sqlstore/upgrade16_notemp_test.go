package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// envPostgresNoTempDSN names a PostgreSQL database the store's role owns
// but may not create temporary objects in (REVOKE TEMPORARY ON DATABASE …
// FROM PUBLIC, and from the role), as hardened deployments have it.
// Making one takes a superuser, which the tests are not: .ci/run does.
const envPostgresNoTempDSN = "HCX_TEST_POSTGRES_NOTEMP_DSN"

// TestUpgradeToWaitingOnWithoutTemporaryPrivilege migrates a database,
// where the store's role lacks the TEMPORARY privilege, to version 15,
// writes applications as version 15 did, and opens it with the current
// program: the upgrade to version 16 needs no temporary object, and
// backfills what the applications await as it does anywhere else — the
// payers of open approval tasks, distinct and in order, from a state
// holding \u0000 too, and no one from a state that is not JSON.
func TestUpgradeToWaitingOnWithoutTemporaryPrivilege(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(envPostgresNoTempDSN)
	if dsn == "" {
		if os.Getenv(sqlstoretest.EnvRequireServices) != "" {
			t.Fatalf("%s is not set but %s is: the database without the TEMPORARY privilege was not made", envPostgresNoTempDSN, sqlstoretest.EnvRequireServices)
		}
		t.Skipf("PostgreSQL upgrade without the TEMPORARY privilege skipped: set %s to a database the role owns but may not create temporary objects in (.ci/run makes one)", envPostgresNoTempDSN)
	}
	ctx := context.Background()
	schema := sqlstoretest.FreshSchema(t, dsn)
	db, err := sql.Open("pgx", schema)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	var temporary bool
	require.NoError(t, db.QueryRowContext(ctx, "SELECT has_database_privilege(current_database(), 'TEMPORARY')").Scan(&temporary))
	require.False(t, temporary, "%s must name a database where the role may not create temporary objects: REVOKE TEMPORARY ON DATABASE ... FROM PUBLIC, <role>", envPostgresNoTempDSN)

	require.NoError(t, sqlstore.MigrateTo(ctx, db, sqlstore.Postgres, 15))
	created := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC).UnixNano()
	for i, app := range []struct{ id, state string }{
		{"app-1", `{"submitted":{},"tasks":[
			{"id":"t1","kind":"approval","state":"open","recipient":"payer-2@hcx"},
			{"id":"t2","kind":"approval","state":"open","recipient":"payer-1@hcx"},
			{"id":"t3","kind":"approval","state":"open","recipient":"payer-2@hcx"},
			{"id":"t4","kind":"approval","state":"done","recipient":"payer-3@hcx"}]}`},
		{"app-2", `{"submitted":{"participant_name":"City\u0000Hospital"},"tasks":[
			{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"}]}`},
		{"app-3", `not the engine's JSON`},
	} {
		at := created + int64(i)
		_, err := db.ExecContext(ctx, `INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
			VALUES ($1, NULL, '', 'verifying', '["approval"]', 1, $2, $2, $3)`, app.id, at, []byte(app.state))
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, `INSERT INTO application_waiting (application_id, kind, stage, created_at) VALUES ($1, 'approval', 'verifying', $2)`, app.id, at)
		require.NoError(t, err)
	}

	s, err := sqlstore.OpenPostgres(ctx, schema)
	require.NoError(t, err, "the upgrade to version 16 without the TEMPORARY privilege")
	t.Cleanup(func() { s.Close() })
	require.Equal(t, allVersions(sqlstore.Postgres), schemaVersions(t, s))

	awaiting := func(code string) []string {
		t.Helper()
		got, err := s.ListApplications(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: code})
		require.NoError(t, err)
		return ids(got)
	}
	require.Equal(t, []string{"app-1", "app-2"}, awaiting("payer-1@hcx"))
	require.Equal(t, []string{"app-1"}, awaiting("payer-2@hcx"))
	require.Empty(t, awaiting("payer-3@hcx"), "an answered request awaits no one")
	for id, want := range map[string][]string{
		"app-1": {"payer-1@hcx", "payer-2@hcx"},
		"app-2": {"payer-1@hcx"},
		"app-3": nil,
	} {
		a, err := s.Application(ctx, id)
		require.NoError(t, err)
		if want == nil {
			require.Empty(t, a.WaitingOn, id)
		} else {
			require.Equal(t, want, a.WaitingOn, id)
		}
	}
	two, err := s.Application(ctx, "app-2")
	require.NoError(t, err)
	require.Contains(t, string(two.State), `City\u0000Hospital`, "the state is as it was")
}
