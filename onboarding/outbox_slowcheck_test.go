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

// slowReads is a store whose application reads take long, while slow is
// set: a database under load.
type slowReads struct {
	*registry.MemoryStore
	clock *clock
	took  time.Duration
	slow  *atomic.Bool
}

func (s slowReads) Application(ctx context.Context, id string) (*registry.Application, error) {
	a, err := s.MemoryStore.Application(ctx, id)
	if s.slow.Load() {
		s.clock.Advance(s.took)
	}
	return a, err
}

// A dispatcher checks that its lease still has room for a send right
// before the send, after reading whether the message's code is still
// live: a slow read there must not let a send run past the lease, when
// another replica may claim the message and send it at the same time.
func TestOutboxDoesNotSendPastItsLeaseAfterASlowCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	w.notes.setFail(nil)
	w.clock.Advance(time.Minute) // past the backoff: the code is due

	other := w.service(store) // a second replica
	var inFlight, most, sends atomic.Int32
	watch := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if m.Kind == onboarding.MessageOTP {
			sends.Add(1)
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
		}
		return w.notes.Notify(ctx, m)
	})
	var slow atomic.Bool
	slow.Store(true)
	slowStore := slowReads{MemoryStore: store, clock: w.clock, took: 90 * time.Second, slow: &slow}
	sendSlowly := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if m.Kind == onboarding.MessageOTP {
			slow.Store(false)
			w.clock.Advance(45 * time.Second) // the send outlives the lease
			// Meanwhile, the other replica's pass.
			if _, err := other.DispatchOutbox(ctx); err != nil {
				return err
			}
		}
		return watch.Notify(ctx, m)
	})
	replica := w.service(slowStore, onboarding.WithNotifier(sendSlowly))
	_, err = replica.DispatchOutbox(ctx)
	require.NoError(t, err)
	slow.Store(false)

	w.clock.Advance(3 * time.Minute) // any lease has ended
	_, err = other.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Len(t, w.notes.of(onboarding.MessageOTP, a.ID), 1, "the code is sent once")
	require.LessOrEqual(t, most.Load(), int32(1), "never by two replicas at once")
}
