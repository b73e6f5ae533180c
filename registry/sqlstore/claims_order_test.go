package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// Two updates on PostgreSQL, each dropping the claim the other takes
// (app-1: X → Y; app-2: Y → W, X), are each refused with a ClaimError, as
// in any serial order and on the other stores: the claim rows are changed
// in one global order, so the transactions meet a live row instead of
// waiting for each other into a deadlock. A third transaction holding an
// uncommitted insert of W makes the interleaving the one that deadlocked.
func TestCrossedClaimTransfersAreClaimErrors(t *testing.T) {
	s := sqlstoretest.Postgres(t)
	ctx := context.Background()
	now := time.Unix(1741924613, 0)
	mk := func(id string, claims ...string) *registry.Application {
		a := &registry.Application{ID: id, Stage: registry.StageSubmitted, Claims: claims, CreatedAt: now, UpdatedAt: now}
		require.NoError(t, s.Create(ctx, registry.Write{Application: a}))
		return a
	}
	a := mk("app-1", "hfr:X")
	b := mk("app-2", "hfr:Y")
	mk("app-3")

	db := sqlstore.DBOf(s)
	blocker, err := db.Conn(ctx)
	require.NoError(t, err)
	defer blocker.Close()
	var blockerPID int
	require.NoError(t, blocker.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&blockerPID))
	_, err = blocker.ExecContext(ctx, "BEGIN")
	require.NoError(t, err)
	_, err = blocker.ExecContext(ctx, "INSERT INTO application_claims (claim, application_id) VALUES ('hfr:W', 'app-3')")
	require.NoError(t, err)

	// blockedBy returns the pid of a backend waiting for pid, if one waits
	// within a few seconds.
	blockedBy := func(pid int) (int, bool) {
		for range 200 {
			var waiter int
			err := db.QueryRowContext(ctx, "SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) LIMIT 1", pid).Scan(&waiter)
			if err == nil {
				return waiter, true
			}
			time.Sleep(25 * time.Millisecond)
		}
		return 0, false
	}
	errB := make(chan error, 1)
	go func() {
		b.Claims = []string{"hfr:W", "hfr:X"}
		errB <- s.Update(ctx, registry.Write{Application: b})
	}()
	bPID, ok := blockedBy(blockerPID)
	require.True(t, ok, "app-2's update waits for the uncommitted W")
	errA := make(chan error, 1)
	go func() {
		a.Claims = []string{"hfr:Y"}
		errA <- s.Update(ctx, registry.Write{Application: a})
	}()
	// app-1 either waits for app-2 or is refused at once; either way it
	// must not deadlock with it.
	var doneA error
	for waited := false; !waited; {
		select {
		case doneA = <-errA:
			waited = true
		case <-time.After(25 * time.Millisecond):
			var n int
			require.NoError(t, db.QueryRowContext(ctx,
				"SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", bPID).Scan(&n))
			waited = n > 0
		}
	}
	_, err = blocker.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	if doneA == nil {
		doneA = <-errA
	}
	require.ErrorIs(t, doneA, registry.ErrClaimed, "app-1")
	require.ErrorIs(t, <-errB, registry.ErrClaimed, "app-2")
}
