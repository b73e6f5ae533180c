package onboarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A message whose transport keeps failing is a dead letter once the
// dead-letter age has passed, not up to an hour's backoff later: the
// backoff never puts its next attempt past that age, so the dispatcher's
// first pass after it makes the last attempt. Until then it is pending.
func TestOutboxDeadLetterAtItsAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, age := range []time.Duration{3 * time.Hour, 90 * time.Minute, 5 * time.Hour} {
		w := newWorld(t)
		store := registry.NewMemoryStore()
		svc := w.service(store, onboarding.WithOutboxDeadAfter(age))
		w.notes.setFail(errors.New("webhook: 503"))
		a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		ms, err := store.ListOutbox(ctx, registry.OutboxFilter{ApplicationID: a.ID})
		require.NoError(t, err)
		require.Len(t, ms, 1)
		id, start := ms[0].ID, w.clock.Now()

		// A dispatcher running every five minutes.
		for w.clock.Now().Sub(start) < age-5*time.Minute {
			w.clock.Advance(5 * time.Minute)
			_, err := svc.DispatchOutbox(ctx)
			require.NoError(t, err)
			require.Equal(t, registry.OutboxPending, outboxMessage(t, store, id).State,
				"%v into an age of %v: still retried", w.clock.Now().Sub(start), age)
		}
		for w.clock.Now().Sub(start) < age+5*time.Minute {
			w.clock.Advance(5 * time.Minute)
			_, err := svc.DispatchOutbox(ctx)
			require.NoError(t, err)
		}
		m := outboxMessage(t, store, id)
		assert.Equal(t, registry.OutboxDead, m.State, "a dead letter five minutes past its age of %v", age)
		assert.Contains(t, m.LastError, "503")
	}
}
