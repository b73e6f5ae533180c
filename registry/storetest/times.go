package storetest

import (
	"context"
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
}
