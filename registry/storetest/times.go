package storetest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// testTimes: every time a store gives back is the instant written, in UTC
// and without a monotonic clock reading, whatever zone it was written in.
// The SQL stores keep the instant alone; a store that gave back the
// caller's zone would make == and require.Equal hold on it and fail on
// the others, and its JSON would say "+05:30" where theirs says "Z".
func testTimes(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	requireUTC := func(t *testing.T, want, got time.Time, what string) {
		t.Helper()
		require.True(t, want.Equal(got), "%s: the instant written", what)
		require.Equal(t, want.UTC().Round(0), got, "%s: in UTC, with no monotonic reading", what)
	}

	t.Run("times come back in UTC", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		now := time.Now().In(base.Location()) // carries a monotonic reading
		a := newApp("app-1", "", "1000001@hcx", base)
		a.DueAt = at(time.Hour)
		p := newParticipant("1000001@hcx", base)
		p.UpdatedAt = now
		m := message("app-1", "app-1/1/0", base)
		m.NextAttemptAt = at(time.Minute)
		require.NoError(t, s.Create(ctx, registry.Write{Application: a, Participant: p,
			Events: registry.Chain(nil, event("app-1", "submit", "", "submitted", now)), Outbox: []registry.OutboxMessage{m}}))

		gotApp, err := s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireUTC(t, base, gotApp.CreatedAt, "application created_at")
		requireUTC(t, base, gotApp.UpdatedAt, "application updated_at")
		requireUTC(t, at(time.Hour), gotApp.DueAt, "application due_at")
		gotP, err := s.Participant(ctx, "1000001@hcx")
		require.NoError(t, err)
		requireUTC(t, base, gotP.CreatedAt, "participant created_at")
		requireUTC(t, now, gotP.UpdatedAt, "participant updated_at")
		evs, err := s.Events(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, evs, 1)
		requireUTC(t, now, evs[0].Time, "event time")
		if r, ok := s.(registry.OutboxReader); ok {
			got, err := r.OutboxMessage(ctx, m.ID)
			require.NoError(t, err)
			requireUTC(t, base, got.CreatedAt, "outbox created_at")
			requireUTC(t, at(time.Minute), got.NextAttemptAt, "outbox next attempt")
		}

		gotApp.UpdatedAt = at(2 * time.Hour)
		gotApp.DueAt = at(3 * time.Hour)
		require.NoError(t, s.Update(ctx, registry.Write{Application: gotApp}))
		gotApp, err = s.Application(ctx, "app-1")
		require.NoError(t, err)
		requireUTC(t, at(2*time.Hour), gotApp.UpdatedAt, "updated application updated_at")
		requireUTC(t, at(3*time.Hour), gotApp.DueAt, "updated application due_at")
	})

	// A lease, a claim, a delivery and a retry at a time not every store
	// keeps (before 1677, after 2262, or ending past 2262) are refused by
	// every store and change nothing: the database stores cannot write
	// it, and the memory store once took it, leasing every due message
	// to a clock in the year 3000.
	t.Run("a lease, claim, delivery or retry at a time no store keeps is refused", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		l := capability[registry.Leaser](t, s)
		ob := capability[registry.OutboxStore](t, s)
		dead, sent := message("app-1", "dead", at(0)), message("app-1", "sent", at(0))
		seedWith(t, s, "app-1", []registry.OutboxMessage{dead, sent})
		claimed, err := ob.ClaimOutbox(ctx, "w", at(time.Minute), time.Minute, 2)
		require.NoError(t, err)
		require.Len(t, claimed, 2)
		require.NoError(t, ob.FailOutbox(ctx, "dead", "w", at(time.Hour), "gone", true))

		latest := time.Unix(0, math.MaxInt64).Add(-time.Second) // a lease of a minute from it ends past 2262
		for _, when := range []time.Time{{}, time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), latest} {
			ok, err := l.AcquireLease(ctx, "job", "a", when, time.Minute)
			require.Error(t, err, "lease at %v", when)
			require.False(t, ok, "lease at %v", when)
			_, err = ob.ClaimOutbox(ctx, "b", when, time.Minute, 2)
			require.Error(t, err, "claim at %v", when)
			if when != latest {
				require.Error(t, ob.CompleteOutbox(ctx, "sent", "w", when), "sent at %v", when)
				require.Error(t, ob.RetryOutbox(ctx, "dead", when), "retry at %v", when)
			}
		}
		for _, m := range allOutbox(t, ob, registry.OutboxFilter{}) {
			switch m.ID {
			case "dead":
				require.Equal(t, registry.OutboxDead, m.State, "the dead letter is not retried")
			case "sent":
				require.Equal(t, registry.OutboxPending, m.State, "the message is not sent")
				require.Equal(t, "w", m.LeaseOwner, "the message stays leased to its claimer")
			}
		}
		ok, err := l.AcquireLease(ctx, "job", "b", at(0), time.Minute)
		require.NoError(t, err)
		require.True(t, ok, "no refused lease is held")
		// A time every store keeps, the latest a lease of a minute may
		// start at, is taken.
		ok, err = l.AcquireLease(ctx, "late", "a", time.Unix(0, math.MaxInt64).Add(-time.Minute), time.Minute)
		require.NoError(t, err)
		require.True(t, ok)
	})

}
