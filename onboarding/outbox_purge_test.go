package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// outboxStates counts the outbox's messages by state.
func outboxStates(t *testing.T, store *registry.MemoryStore) map[registry.OutboxState]int {
	t.Helper()
	ms, err := store.ListOutbox(context.Background(), registry.OutboxFilter{Limit: registry.MaxLimit})
	require.NoError(t, err)
	out := map[registry.OutboxState]int{}
	for _, m := range ms {
		out[m.State]++
	}
	return out
}

// Delivered messages leave the outbox once past their retention (default
// 30 days); a dead letter stays for staff, and a message waiting to go
// stays whatever its age. The purge never sends a message again: a retry
// of the Submit whose message was purged sends nothing.
func TestOutboxPurgesDeliveredMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	app := w.application(verifier.CategoryPayer)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	w.notes.setFail(permanentError{permanent: true})
	_, err = svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	w.notes.setFail(nil)
	before := outboxStates(t, store)
	require.Positive(t, before[registry.OutboxSent])
	require.Positive(t, before[registry.OutboxDead], "a message refused for good is a dead letter")

	w.clock.Advance(onboarding.DefaultOutboxRetention - time.Minute)
	n, err := svc.PurgeOutbox(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is purged before its retention ends")
	require.Equal(t, before, outboxStates(t, store))

	w.clock.Advance(2 * time.Minute)
	n, err = svc.PurgeOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, before[registry.OutboxSent], n)
	require.Equal(t, map[registry.OutboxState]int{registry.OutboxDead: before[registry.OutboxDead]}, outboxStates(t, store),
		"the sent messages are gone, the dead letters kept")

	sent := len(w.notes.of(onboarding.MessageOTP, a.ID))
	again, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, a.ID, again.ID, "a retried Submit returns the stored application")
	got, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Zero(t, got)
	require.Len(t, w.notes.of(onboarding.MessageOTP, a.ID), sent, "a purged message is never sent again")
}

// The scheduler purges, in batches until none is left; a negative
// retention keeps delivered messages for good; a retention under an hour
// is refused.
func TestSchedulerPurgesOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithOTPKey(otpKey), onboarding.WithOutboxRetention(time.Minute))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
	_, err = onboarding.New(registry.NewMemoryStore(), onboarding.WithOTPKey(otpKey), onboarding.WithOutboxRetention(0))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)

	w := newWorld(t)
	kept := registry.NewMemoryStore()
	keep := w.service(kept, onboarding.WithOutboxRetention(-1))
	_, err = keep.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	w.clock.Advance(10 * 365 * 24 * time.Hour)
	n, err := keep.PurgeOutbox(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "kept for good")
	require.Positive(t, outboxStates(t, kept)[registry.OutboxSent])

	w = newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithOutboxRetention(time.Hour))
	for range 3 {
		_, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
		require.NoError(t, err)
	}
	require.Positive(t, outboxStates(t, store)[registry.OutboxSent])
	w.clock.Advance(time.Hour + time.Second)
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.RunScheduler(run, onboarding.SchedulerOptions{Interval: time.Hour}) }()
	require.Eventually(t, func() bool { return len(outboxStates(t, store)) == 0 }, 10*time.Second, 10*time.Millisecond,
		"the scheduler's pass purges what is past its retention")
	stop()
	require.NoError(t, <-done)
}
