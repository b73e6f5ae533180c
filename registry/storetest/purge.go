package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// sendAt claims the due messages ids for owner at sentAt and completes
// them then.
func sendAt(t *testing.T, ob registry.OutboxStore, owner string, sentAt time.Time, ids ...string) {
	t.Helper()
	ctx := context.Background()
	got, err := ob.ClaimOutbox(ctx, owner, sentAt, time.Minute, registry.MaxOutboxClaim)
	require.NoError(t, err)
	claimed := map[string]bool{}
	for _, m := range got {
		claimed[m.ID] = true
	}
	for _, id := range ids {
		require.True(t, claimed[id], "message %s is claimed at %v", id, sentAt)
		require.NoError(t, ob.CompleteOutbox(ctx, id, owner, sentAt))
	}
	for _, m := range got {
		if !slices.Contains(ids, m.ID) {
			require.NoError(t, ob.FailOutbox(ctx, m.ID, owner, m.NextAttemptAt, "", false))
		}
	}
}

func testOutboxPurge(t *testing.T, newStore NewStore) {
	ctx := context.Background()

	t.Run("purge deletes sent messages sent before the cut-off, a batch at a time, and nothing else", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		pg := capability[registry.OutboxPurger](t, s)
		var ms []registry.OutboxMessage
		for _, id := range []string{"sent-1", "sent-2", "sent-3", "sent-late", "pending", "dead", "leased"} {
			ms = append(ms, message("app-1", id, at(0)))
		}
		seedWith(t, s, "app-1", ms)
		sendAt(t, ob, "a", at(time.Hour), "sent-1")
		sendAt(t, ob, "a", at(2*time.Hour), "sent-2")
		sendAt(t, ob, "a", at(3*time.Hour), "sent-3")
		sendAt(t, ob, "a", at(10*time.Hour), "sent-late")
		got, err := ob.ClaimOutbox(ctx, "a", at(11*time.Hour), time.Minute, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"dead", "leased", "pending"}, outboxIDs(got))
		require.NoError(t, ob.FailOutbox(ctx, "dead", "a", at(11*time.Hour), "smtp: 554 no such mailbox", true))
		require.NoError(t, ob.FailOutbox(ctx, "pending", "a", at(11*time.Hour), "smtp: 421 try later", false))
		// "leased" stays leased to a.

		cutoff := at(10 * time.Hour) // sent-late was sent at the cut-off: kept
		n, err := pg.PurgeOutbox(ctx, cutoff, 2)
		require.NoError(t, err)
		require.Equal(t, 2, n, "a whole batch")
		n, err = pg.PurgeOutbox(ctx, cutoff, 2)
		require.NoError(t, err)
		require.Equal(t, 1, n, "the rest")
		n, err = pg.PurgeOutbox(ctx, cutoff, 2)
		require.NoError(t, err)
		require.Zero(t, n, "none left is no error")
		n, err = pg.PurgeOutbox(ctx, at(1000*time.Hour), registry.MaxOutboxPurge)
		require.NoError(t, err)
		require.Equal(t, 1, n, "sent-late, once the cut-off passes it; never a pending, dead or leased message however old")

		require.Equal(t, []string{"dead", "leased", "pending"}, outboxIDs(allOutbox(t, ob, registry.OutboxFilter{})))
		requireDepth(t, ob, 2, 1)
		require.ErrorIs(t, ob.CompleteOutbox(ctx, "sent-1", "a", at(time.Hour)), registry.ErrNotFound, "a purged message is gone")
		if r, ok := s.(registry.OutboxReader); ok {
			_, err := r.OutboxMessage(ctx, "sent-1")
			require.ErrorIs(t, err, registry.ErrNotFound)
		}
		// The dead letter is still there for staff, and once retried and
		// sent it ages out like any other.
		require.NoError(t, ob.RetryOutbox(ctx, "dead", at(1000*time.Hour)))
		sendAt(t, ob, "b", at(1000*time.Hour), "dead")
		n, err = pg.PurgeOutbox(ctx, at(1001*time.Hour), 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})

	t.Run("a message its writer sent ahead of its due time is purged once both are past", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		pg := capability[registry.OutboxPurger](t, s)
		m := message("app-1", "early", at(0))
		m.NextAttemptAt = at(5 * time.Hour)
		m.LeaseOwner, m.LeaseUntil = "w", at(time.Hour)
		seedWith(t, s, "app-1", []registry.OutboxMessage{m})
		require.NoError(t, ob.CompleteOutbox(ctx, "early", "w", at(time.Minute)))
		n, err := pg.PurgeOutbox(ctx, at(5*time.Hour), 10)
		require.NoError(t, err)
		require.Zero(t, n, "due at the cut-off")
		n, err = pg.PurgeOutbox(ctx, at(5*time.Hour+time.Nanosecond), 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})

	t.Run("purge arguments are checked and a cancelled context changes nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		pg := capability[registry.OutboxPurger](t, s)
		seedWith(t, s, "app-1", []registry.OutboxMessage{message("app-1", "m", at(0))})
		sendAt(t, ob, "a", at(time.Minute), "m")
		for name, call := range map[string]func() (int, error){
			"the zero time":     func() (int, error) { return pg.PurgeOutbox(ctx, time.Time{}, 10) },
			"a time unstorable": func() (int, error) { return pg.PurgeOutbox(ctx, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 10) },
			"a limit of 0":      func() (int, error) { return pg.PurgeOutbox(ctx, at(time.Hour), 0) },
			"a negative limit":  func() (int, error) { return pg.PurgeOutbox(ctx, at(time.Hour), -1) },
			"a limit too large": func() (int, error) { return pg.PurgeOutbox(ctx, at(time.Hour), registry.MaxOutboxPurge+1) },
		} {
			n, err := call()
			require.Error(t, err, name)
			require.Zero(t, n, name)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		n, err := pg.PurgeOutbox(cancelled, at(time.Hour), 10)
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, n)
		require.Len(t, allOutbox(t, ob, registry.OutboxFilter{}), 1, "nothing was deleted")
	})

	t.Run("replicas purging at once delete each message once, and nothing a claimer holds", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		ob := capability[registry.OutboxStore](t, s)
		pg := capability[registry.OutboxPurger](t, s)
		const apps, purgers = 6, 8
		sent := 0
		for a := range apps {
			appID := fmt.Sprintf("app-%02d", a)
			ms := make([]registry.OutboxMessage, registry.MaxOutboxMessages)
			for i := range ms {
				ms[i] = message(appID, fmt.Sprintf("%s/%02d", appID, i), at(0))
			}
			seedWith(t, s, appID, ms)
			var ids []string
			for i := range ms {
				if i%4 != 0 {
					ids = append(ids, ms[i].ID) // every fourth stays pending
				}
			}
			sendAt(t, ob, "a", at(time.Duration(a)*time.Minute), ids...)
			sent += len(ids)
		}
		var (
			total atomic.Int64
			wg    sync.WaitGroup
			start = make(chan struct{})
		)
		for range purgers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					n, err := pg.PurgeOutbox(ctx, at(time.Hour), 5)
					if !assertNoError(t, err) || n == 0 {
						return
					}
					total.Add(int64(n))
				}
			}()
		}
		wg.Add(1)
		go func() { // a dispatcher claiming meanwhile
			defer wg.Done()
			<-start
			_, err := ob.ClaimOutbox(ctx, "c", at(time.Hour), time.Minute, registry.MaxOutboxClaim)
			assertNoError(t, err)
		}()
		close(start)
		wg.Wait()
		require.Equal(t, int64(sent), total.Load(), "the counts add up to the messages deleted")
		left := allOutbox(t, ob, registry.OutboxFilter{})
		require.Len(t, left, apps*registry.MaxOutboxMessages-sent)
		for _, m := range left {
			require.Equal(t, registry.OutboxPending, m.State, "only the pending messages are left")
		}
	})
}

// assertNoError reports err on t from any goroutine and says whether there
// was none.
func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}
