package onboarding_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Replicas' clocks never agree exactly. A send that starts late in its
// lease and takes its whole timeout must still end before a replica
// whose clock runs a few seconds ahead sees the lease end, claims the
// message and sends it too: a send starts only while its timeout and a
// margin for that skew fit in what is left of the lease.
func TestOutboxSendEndsBeforeASkewedReplicaClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("sms gateway down"))
	for range 2 {
		_, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
		require.NoError(t, err)
	}
	w.notes.setFail(nil)
	w.clock.Advance(time.Minute) // past the backoff: both codes are due

	const skew = 5 * time.Second
	ahead := w.service(store, onboarding.WithClock(func() time.Time { return w.clock.Now().Add(skew) }))
	var inFlight, most, sends atomic.Int32
	slow := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if m.Kind != onboarding.MessageOTP {
			return w.notes.Notify(ctx, m)
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		switch sends.Add(1) {
		case 1:
			w.clock.Advance(time.Minute) // the first send takes its whole timeout
		case 2:
			w.clock.Advance(time.Minute - time.Second) // and so, nearly, does the second
			// Meanwhile, the pass of the replica whose clock runs ahead.
			if _, err := ahead.DispatchOutbox(ctx); err != nil {
				return err
			}
		}
		return w.notes.Notify(ctx, m)
	})
	replica := w.service(store, onboarding.WithNotifier(slow))
	_, err := replica.DispatchOutbox(ctx)
	require.NoError(t, err)

	w.clock.Advance(3 * time.Minute) // any lease has ended
	_, err = ahead.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Len(t, w.notes.of(onboarding.MessageOTP, ""), 2, "each code is sent once")
	require.LessOrEqual(t, most.Load(), int32(1), "never by two replicas at once")
}
