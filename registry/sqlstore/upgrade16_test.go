package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// TestUpgradeToWaitingOnFindsTheAwaitedPayers opens a database that
// version 15 wrote, before applications named the participants they
// await: an application waiting on approval awaits, after the upgrade, the
// payers its open approval tasks are addressed to, as the engine's state
// holds them, and a payer's listing (ApplicationFilter.WaitingOn) finds it
// through the queue index; its open task kinds are as they were. An
// application rejected since, a task answered, another kind of task with
// a recipient, and a state that is not JSON await no one, and do not stop
// the upgrade. A write after the upgrade moves the rows the upgrade wrote.
func TestUpgradeToWaitingOnFindsTheAwaitedPayers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, db := atVersion(t, b, "v15", 15)
		var err error
		created := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC).UnixNano()
		for i, app := range []struct {
			id, stage string
			waiting   []string
			state     []byte
		}{
			{"app-1", "verifying", []string{"approval", "review"}, []byte(`{"submitted":{"participant_name":"City Hospital"},"tasks":[
				{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"},
				{"id":"t2","kind":"approval","state":"open","recipient":"payer-2@hcx"},
				{"id":"t3","kind":"approval","state":"done","recipient":"payer-3@hcx"},
				{"id":"t4","kind":"otp","state":"open","recipient":"98******10"},
				{"id":"t5","kind":"review","state":"open"}]}`)},
			{"app-2", "rejected", nil, []byte(`{"submitted":{},"tasks":[{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"}]}`)},
			{"app-3", "verifying", []string{"approval"}, []byte(`not the engine's JSON`)},
			{"app-4", "verifying", []string{"approval"}, nil},
			{"app-5", "verifying", []string{"approval"}, []byte(`{"submitted":{},"tasks":[
				{"id":"t1","kind":"approval","state":"open","recipient":"payer-1@hcx"},
				{"id":"t2","kind":"approval","state":"open","recipient":"payer-1@hcx"},
				{"id":"t3","kind":"approval","state":"open","recipient":""},
				"a task that is not an object",
				{"id":"t4","kind":"approval","state":"open","recipient":7}]}`)},
			{"app-6", "verifying", []string{"approval"}, []byte(`{"submitted":{},"tasks":"none"}`)},
		} {
			waiting := "[]"
			if len(app.waiting) > 0 {
				waiting = `["` + app.waiting[0] + `"`
				for _, k := range app.waiting[1:] {
					waiting += `,"` + k + `"`
				}
				waiting += "]"
			}
			var state any
			if app.state != nil {
				state = app.state
			}
			at := created + int64(i)
			_, err := db.ExecContext(ctx, `INSERT INTO applications (id, idempotency_key, participant_code, stage, waiting, version, created_at, updated_at, state)
				VALUES ($1, NULL, '', $2, $3, 1, $4, $4, $5)`, app.id, app.stage, waiting, at, state)
			require.NoError(t, err)
			for _, k := range app.waiting {
				_, err := db.ExecContext(ctx, `INSERT INTO application_waiting (application_id, kind, stage, created_at) VALUES ($1, $2, $3, $4)`,
					app.id, k, app.stage, at)
				require.NoError(t, err)
			}
		}
		require.NoError(t, s.Close())

		s, err = b.open(t, "v15")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))

		list := func(f registry.ApplicationFilter) []string {
			t.Helper()
			got, err := s.ListApplications(ctx, f)
			require.NoError(t, err)
			return ids(got)
		}
		verifying := func(code string) registry.ApplicationFilter {
			return registry.ApplicationFilter{Stage: registry.StageVerifying, WaitingOn: code}
		}
		require.Equal(t, []string{"app-1", "app-5"}, list(verifying("payer-1@hcx")))
		require.Equal(t, []string{"app-1"}, list(verifying("payer-2@hcx")))
		require.Empty(t, list(verifying("payer-3@hcx")), "an answered request awaits no one")
		require.Empty(t, list(verifying("98******10")), "only approval requests await a participant")
		require.Empty(t, list(registry.ApplicationFilter{WaitingOn: "payer-1@hcx", Stage: registry.StageRejected}))
		require.Equal(t, []string{"app-1", "app-3", "app-4", "app-5", "app-6"}, list(registry.ApplicationFilter{Waiting: "approval"}),
			"the queue by kind is as it was")

		a, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		require.Equal(t, []string{"approval", "review"}, a.Waiting, "the open task kinds are as they were")
		require.Equal(t, []string{"payer-1@hcx", "payer-2@hcx"}, a.WaitingOn)
		for _, id := range []string{"app-2", "app-3", "app-4", "app-6"} {
			other, err := s.Application(ctx, id)
			require.NoError(t, err)
			require.Empty(t, other.WaitingOn, id)
		}
		five, err := s.Application(ctx, "app-5")
		require.NoError(t, err)
		require.Equal(t, []string{"payer-1@hcx"}, five.WaitingOn)

		a.WaitingOn = []string{"payer-2@hcx"}
		require.NoError(t, s.Update(ctx, registry.Write{Application: a}))
		require.Equal(t, []string{"app-5"}, list(verifying("payer-1@hcx")), "the write dropped the row the upgrade wrote")
		require.Equal(t, []string{"app-1"}, list(verifying("payer-2@hcx")))
	})
}
