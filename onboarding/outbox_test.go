package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Messages are written with the change that causes them: a transport that
// fails loses nothing; the dispatcher delivers later with the same id,
// and gives up into a dead letter staff can retry.
func TestOutboxKeepsWhatTheTransportMissed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithOutboxDeadAfter(2*time.Hour))

	w.notes.setFail(errors.New("smtp: connection refused"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err, "the change is stored although nothing could be sent")
	pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
	require.NoError(t, err)
	require.NotEmpty(t, pending, "the review request waits in the outbox")
	assert.Equal(t, 1, pending[0].Attempts, "one attempt already made")

	// The transport recovers; the next pass (after the backoff) delivers.
	w.notes.setFail(nil)
	n, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "not due yet: backoff")
	w.clock.Advance(2 * time.Minute)
	n, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(pending), n)
	got := w.notes.of(onboarding.MessageReviewRequest, a.ID)
	require.Len(t, got, 1)
	assert.Equal(t, pending[0].ID, got[0].ID, "the message keeps its id: the idempotency key")
	n, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "sent once")

	// A transport down for good: the message becomes a dead letter.
	w.notes.setFail(errors.New("webhook: 500"))
	b, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	for range 12 {
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	dead, err := svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.NotEmpty(t, dead)
	assert.Equal(t, b.ID, dead[0].ApplicationID)
	w.notes.setFail(nil)
	require.NoError(t, svc.RetryDeadLetter(ctx, dead[0].ID))
	n, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.ErrorIs(t, svc.RetryDeadLetter(ctx, "no-such-message"), onboarding.ErrNotFound)
}

// A one-time code in the outbox is sealed at rest, and dies with the code.
func TestOutboxSealsCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	ms, err := store.ListOutbox(ctx, registry.OutboxFilter{ApplicationID: a.ID})
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	w.notes.setFail(nil)
	w.clock.Advance(time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	code := w.notes.code(t, a.ID)
	for _, m := range ms {
		assert.NotContains(t, string(m.Payload), code, "the code is not readable in the store")
		assert.False(t, strings.Contains(m.To, "@") && !strings.Contains(m.To, "*"), "the address is masked: %s", m.To)
	}

	// Undelivered past its lifetime, a code is given up, not sent late.
	w.notes.setFail(errors.New("sms gateway down"))
	b, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
	require.NoError(t, err)
	w.clock.Advance(onboarding.DefaultOTPTTL + time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: b.ID})
	require.NoError(t, err)
	assert.NotEmpty(t, dead)
}

// Without the outbox (or a store that keeps none), messages go straight
// to the Notifier as before.
func TestOutboxCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithOutbox(false))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	ms, err := store.ListOutbox(ctx, registry.OutboxFilter{ApplicationID: a.ID})
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID))
	_, err = svc.DeadLetters(ctx, 10, "")
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
}

// slowWrites is a store whose writes take the time the clock is moved on
// by during them.
type slowWrites struct {
	*registry.MemoryStore
	clock *clock
	took  time.Duration
}

func (s slowWrites) Create(ctx context.Context, w registry.Write) error {
	err := s.MemoryStore.Create(ctx, w)
	s.clock.Advance(s.took)
	return err
}

// A write that took most of its messages' lease leaves them to the
// dispatcher, which sends them once the lease ends, once, and the request
// sends nothing else meanwhile.
func TestOutboxLeavesAShortLeaseToTheDispatcher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	fast := w.service(store)
	// Another application's message, due now (its send failed once).
	w.notes.setFail(errors.New("smtp: connection refused"))
	other, err := fast.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	w.notes.setFail(nil)
	w.clock.Advance(2 * time.Minute)

	slow := w.service(slowWrites{MemoryStore: store, clock: w.clock, took: 110 * time.Second})
	a, err := slow.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	assert.Empty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), "too little lease left to send")
	assert.Empty(t, w.notes.of(onboarding.MessageReviewRequest, other.ID), "the request does not dispatch other messages")

	w.clock.Advance(time.Minute) // the lease ends
	_, err = fast.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Len(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), 1)
	assert.Len(t, w.notes.of(onboarding.MessageReviewRequest, other.ID), 1)
	n, err := fast.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "each sent once")
}

// A dispatcher does not start a send it cannot finish within its lease:
// once the lease ends another replica may claim the message, and both
// would send it. What it leaves goes out, once, after the lease.
func TestOutboxDoesNotSendPastItsLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("smtp: connection refused"))
	var ids []string
	for range 3 {
		a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	w.notes.setFail(nil)
	w.clock.Advance(2 * time.Minute) // past the backoff: all three due

	other := w.service(store) // a second replica
	sends := 0
	slow := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if m.Kind == onboarding.MessageReviewRequest {
			sends++
			w.clock.Advance(70 * time.Second) // most of the send timeout
			if sends == 2 {
				_, err := other.DispatchOutbox(ctx) // meanwhile, the other replica's pass
				require.NoError(t, err)
			}
		}
		return w.notes.Notify(ctx, m)
	})
	replica := w.service(store, onboarding.WithNotifier(slow))
	n, err := replica.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "one send fits in the lease; the others are left")

	w.clock.Advance(3 * time.Minute) // the lease ends
	_, err = other.DispatchOutbox(ctx)
	require.NoError(t, err)
	for _, id := range ids {
		assert.Len(t, w.notes.of(onboarding.MessageReviewRequest, id), 1, "sent once: %s", id)
	}
}
