package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// outboxMessage returns a new message of application appID.
func outboxMessage(appID, id string, created time.Time) registry.OutboxMessage {
	return registry.OutboxMessage{ID: id, ApplicationID: appID, Kind: "otp", To: "admin@" + appID + ".example",
		Payload: []byte("payload of " + id), CreatedAt: created, NextAttemptAt: created}
}

// claimAll has every store claim, from perStore goroutines each, until
// nothing is due at now, and returns the owners each message was leased
// to.
func claimAll(t *testing.T, stores []*sqlstore.Store, perStore int, now time.Time, lease time.Duration, prefix string) map[string][]string {
	t.Helper()
	var (
		mu       sync.Mutex
		leasedTo = map[string][]string{}
		wg       sync.WaitGroup
		errs     = make(chan error, 1<<16)
		start    = make(chan struct{})
	)
	for i, s := range stores {
		for g := range perStore {
			owner := fmt.Sprintf("%s-%d-%02d", prefix, i, g)
			wg.Go(func() {
				<-start
				for {
					got, err := s.ClaimOutbox(context.Background(), owner, now, lease, 1+g%4)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						if m.LeaseOwner != owner {
							errs <- fmt.Errorf("%s claimed %s leased to %q", owner, m.ID, m.LeaseOwner)
						}
						leasedTo[m.ID] = append(leasedTo[m.ID], owner)
					}
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	return leasedTo
}

// TestTwoStoresClaimOneOutbox has two Stores on one database, as two
// replicas would, each with 8 dispatchers claiming at once: every message
// is leased to exactly one owner; once the leases end, the next race
// leases each again to exactly one owner; and only the new owner can
// complete it, from either Store.
func TestTwoStoresClaimOneOutbox(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		stores := make([]*sqlstore.Store, 2)
		for i := range stores {
			s, err := b.open(t, "shared")
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		t0 := time.Unix(1741924613, 0)
		const apps = 24
		var ids []string
		for a := range apps {
			appID := fmt.Sprintf("app-%02d", a)
			ms := make([]registry.OutboxMessage, registry.MaxOutboxMessages)
			for i := range ms {
				ms[i] = outboxMessage(appID, fmt.Sprintf("%s/%02d", appID, i), t0.Add(time.Duration(i)*time.Millisecond))
				ids = append(ids, ms[i].ID)
			}
			require.NoError(t, stores[a%2].Create(ctx, registry.Write{
				Application: &registry.Application{ID: appID, Stage: registry.StageSubmitted, CreatedAt: t0, UpdatedAt: t0},
				Outbox:      ms}))
		}

		check := func(leasedTo map[string][]string, round string) {
			t.Helper()
			require.Len(t, leasedTo, len(ids), "%s: every message is leased", round)
			for id, owners := range leasedTo {
				require.Len(t, owners, 1, "%s: message %s leased to %v at once", round, id, owners)
			}
		}
		now := t0.Add(time.Hour)
		first := claimAll(t, stores, 8, now, time.Minute, "first")
		check(first, "first race")
		got, err := stores[1].ClaimOutbox(ctx, "late", now.Add(time.Minute-time.Nanosecond), time.Minute, registry.MaxOutboxClaim)
		require.NoError(t, err)
		require.Empty(t, got, "no lease ends early")

		second := claimAll(t, stores, 8, now.Add(time.Minute), time.Minute, "second")
		check(second, "second race, after the leases ended")

		var wg sync.WaitGroup
		errs := make(chan error, 2*len(ids))
		for i, id := range ids {
			wg.Go(func() {
				s := stores[i%2]
				if err := s.CompleteOutbox(ctx, id, first[id][0], now); !errors.Is(err, registry.ErrConflict) {
					errs <- fmt.Errorf("the first owner of %s completes it: %v, want ErrConflict", id, err)
				}
				if err := s.CompleteOutbox(ctx, id, second[id][0], now.Add(time.Minute)); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for _, s := range stores {
			depth, err := s.OutboxDepth(ctx)
			require.NoError(t, err)
			require.Equal(t, map[registry.OutboxState]int{registry.OutboxPending: 0, registry.OutboxDead: 0}, depth)
		}
	})
}

// TestOutboxAfterUpgradeFromVersion6 opens a database that version 6
// wrote: migration 7 adds the outbox, and the applications already stored
// write messages with their next update.
func TestOutboxAfterUpgradeFromVersion6(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, db := atVersion(t, b, "v6", 6)
		var err error
		_, err = db.ExecContext(ctx, `INSERT INTO applications (id, stage, version, created_at, updated_at) VALUES ('app-1', 'submitted', 1, 0, 0)`)
		require.NoError(t, err)
		require.NoError(t, s.Close())

		s, err = b.open(t, "v6")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))
		require.GreaterOrEqual(t, sqlstore.MigrationCount(b.dialect), 7)
		depth, err := s.OutboxDepth(ctx)
		require.NoError(t, err)
		require.Equal(t, map[registry.OutboxState]int{registry.OutboxPending: 0, registry.OutboxDead: 0}, depth)

		a, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		now := time.Unix(1741924613, 0)
		a.Stage = registry.StageVerifying
		require.NoError(t, s.Update(ctx, registry.Write{Application: a, Outbox: []registry.OutboxMessage{outboxMessage("app-1", "m", now)}}))
		got, err := s.ClaimOutbox(ctx, "a", now, time.Minute, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "m", got[0].ID)
	})
}

func TestOutboxOfAClosedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sqlstore.OpenSQLite(ctx, t.TempDir()+"/registry.db")
	require.NoError(t, err)
	now := time.Unix(1741924613, 0)
	require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted},
		Outbox: []registry.OutboxMessage{outboxMessage("app-1", "m", now)}}))
	require.NoError(t, s.Close())
	_, err = s.ClaimOutbox(ctx, "a", now, time.Minute, 1)
	require.ErrorIs(t, err, sqlstore.ErrClosed)
	require.ErrorIs(t, s.CompleteOutbox(ctx, "m", "a", now), sqlstore.ErrClosed)
	require.ErrorIs(t, s.FailOutbox(ctx, "m", "a", now, "x", false), sqlstore.ErrClosed)
	require.ErrorIs(t, s.RetryOutbox(ctx, "m", now), sqlstore.ErrClosed)
	_, err = s.ListOutbox(ctx, registry.OutboxFilter{})
	require.ErrorIs(t, err, sqlstore.ErrClosed)
	_, err = s.OutboxDepth(ctx)
	require.ErrorIs(t, err, sqlstore.ErrClosed)
}
