package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Replicas restarted with a shorter IdleAfter withdraw the applications
// written under the old policy once they are idle past the new age, after
// Reschedule; an application not idle that long is left alone, and a
// second Reschedule finds nothing to move.
func TestRescheduleBringsWorkForwardAfterAPolicyChange(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) storeFactory{
		"memory":   func(*testing.T) storeFactory { return memoryStore },
		"sqlite":   func(*testing.T) storeFactory { return sqliteStore },
		"postgres": func(t *testing.T) storeFactory { return postgresStore(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := open(t)(t)
			w := newWorld(t)
			before := w.service(store) // the default 90 days
			old, err := before.Submit(ctx, w.application(verifier.CategoryPayer))
			require.NoError(t, err)
			w.clock.Advance(5 * day)
			recent, err := before.Submit(ctx, w.application(verifier.CategoryPayer))
			require.NoError(t, err)
			live, _ := live(t, w, before)

			after := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
			w.clock.Advance(26 * day) // old idle 31 days, recent 26
			n, err := after.RunDue(ctx)
			require.NoError(t, err)
			require.Zero(t, n, "the stored due times are the old policy's")

			moved, err := after.Reschedule(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, moved, "the two applications waiting on their applicants; not the live one")
			n, err = after.RunDue(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			got, err := after.Application(ctx, old.ID)
			require.NoError(t, err)
			assert.Equal(t, registry.StageWithdrawn, got.Stage)
			assert.Len(t, w.notes.of(onboarding.MessageApplicationExpired, old.ID), 1)
			got, err = after.Application(ctx, recent.ID)
			require.NoError(t, err)
			assert.Equal(t, registry.StageVerifying, got.Stage, "idle 26 days of 30")
			assert.Equal(t, w.clock.Now().Add(4*day), dueAt(t, store, recent.ID).UTC())
			assert.Empty(t, w.notes.of(onboarding.MessageApplicationExpired, live.ID))

			moved, err = after.Reschedule(ctx)
			require.NoError(t, err)
			assert.Zero(t, moved, "nothing left to move")
		})
	}
}
