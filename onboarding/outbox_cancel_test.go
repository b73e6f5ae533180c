package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// cancellingNotifier delivers every message, and on the first of kind
// ends the caller's context right after delivering it: a client that
// hangs up, or a shutdown, the moment the send succeeded.
type cancellingNotifier struct {
	mu     sync.Mutex
	kind   string
	cancel context.CancelFunc
	sent   map[string]int // by message id
}

func (n *cancellingNotifier) Notify(_ context.Context, m onboarding.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent[m.ID]++
	if m.Kind == n.kind && n.cancel != nil {
		n.cancel()
		n.cancel = nil
	}
	return nil
}

// A message delivered just before the caller's context ends is recorded
// as sent all the same: the context ending between the send and its
// record must not leave the message to be claimed, and delivered again,
// once its lease ends. Both ways in: the send right after the write, and
// a dispatcher's pass (a RunOutbox stopped at shutdown).
func TestDeliveryRecordedAfterTheCallerLeaves(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"after the write", "dispatch"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			store := registry.NewMemoryStore()
			n := &cancellingNotifier{kind: onboarding.MessageOTP, sent: map[string]int{}}
			svc := w.service(store, onboarding.WithNotifier(n))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if via == "after the write" {
				n.cancel = cancel
			} else {
				// The writer's send fails; the dispatcher's succeeds
				// and its context ends right after.
				failing := onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return errors.New("503 try later") })
				svc = w.service(store, onboarding.WithNotifier(failing))
			}
			_, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
			require.NoError(t, err)
			if via == "dispatch" {
				svc = w.service(store, onboarding.WithNotifier(n))
				n.cancel = cancel
				w.clock.Advance(5 * time.Minute) // past the backoff
				_, _ = svc.DispatchOutbox(ctx)
			}
			require.Error(t, ctx.Err(), "the caller's context ended after the send")
			ms, err := store.ListOutbox(context.Background(), registry.OutboxFilter{Limit: registry.MaxLimit})
			require.NoError(t, err)
			require.NotEmpty(t, ms)
			for _, m := range ms {
				require.Equal(t, registry.OutboxSent, m.State, "message %s (%s) was delivered", m.ID, m.Kind)
			}

			w.clock.Advance(10 * time.Minute) // past every lease
			sent, err := svc.DispatchOutbox(context.Background())
			require.NoError(t, err)
			require.Zero(t, sent)
			n.mu.Lock()
			defer n.mu.Unlock()
			for id, times := range n.sent {
				require.Equal(t, 1, times, "message %s delivered once", id)
			}
		})
	}
}

// A dispatcher whose context ends mid-batch (a shutdown) stops there: the
// messages of the batch it has not tried yet are left as they stand, for
// their lease to end, not recorded as failed attempts they never were.
func TestDispatchStopsWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	failing := onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return errors.New("503 try later") })
	svc := w.service(store, onboarding.WithNotifier(failing))
	for range 2 {
		_, err := svc.Submit(context.Background(), w.application(verifier.CategoryPayer))
		require.NoError(t, err)
	}
	w.clock.Advance(5 * time.Minute) // past the backoff: both are due
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := &cancellingNotifier{kind: onboarding.MessageOTP, sent: map[string]int{}, cancel: cancel}
	_, _ = w.service(store, onboarding.WithNotifier(n)).DispatchOutbox(ctx)

	ms, err := store.ListOutbox(context.Background(), registry.OutboxFilter{Limit: registry.MaxLimit})
	require.NoError(t, err)
	require.Len(t, ms, 2)
	n.mu.Lock()
	defer n.mu.Unlock()
	require.Len(t, n.sent, 1, "one send, then the context ended")
	for _, m := range ms {
		if n.sent[m.ID] == 1 {
			require.Equal(t, registry.OutboxSent, m.State)
			continue
		}
		require.Equal(t, registry.OutboxPending, m.State)
		require.Equal(t, 1, m.Attempts, "only the failure at the write is counted")
		require.NotEmpty(t, m.LeaseOwner, "left leased, for the lease to end")
	}
}
