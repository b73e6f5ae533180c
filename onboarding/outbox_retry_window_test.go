package onboarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A dead letter staff retry gets a dead-letter age of retries of its own,
// counted from the retry: a transport still failing for a while (a 503)
// does not make it a dead letter again at its first failure, and it goes
// out once the transport is back. One that keeps failing is a dead letter
// again once that age has passed since the retry.
func TestRetriedDeadLetterIsRetriedAgainWithBackoff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithOutboxDeadAfter(2*time.Hour))

	w.notes.setFail(errors.New("webhook: 503"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	for range 3 {
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	dead, err := svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.Len(t, dead, 1)
	id := dead[0].ID

	// Staff retry while the transport still fails: the message waits for
	// its next attempt, pending.
	require.NoError(t, svc.RetryDeadLetter(ctx, id))
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	m := outboxMessage(t, store, id)
	require.Equal(t, registry.OutboxPending, m.State, "one failure after a retry is not a dead letter again")
	require.True(t, m.NextAttemptAt.After(w.clock.Now()), "due again after a backoff")
	require.LessOrEqual(t, m.NextAttemptAt.Sub(w.clock.Now()), time.Minute,
		"the backoff starts again from its first step, not from where the attempts before the retry left it")

	// The transport is back: the next pass after the backoff sends it.
	w.notes.setFail(nil)
	w.clock.Advance(m.NextAttemptAt.Sub(w.clock.Now()))
	n, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Len(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), 1)
	require.Equal(t, registry.OutboxSent, outboxMessage(t, store, id).State)

	// Another message retried into a transport that stays down is a dead
	// letter again once the dead-letter age has passed since the retry.
	w.notes.setFail(errors.New("webhook: 503"))
	b, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	for range 3 {
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	dead, err = svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.Len(t, dead, 1)
	require.Equal(t, b.ID, dead[0].ApplicationID)
	require.NoError(t, svc.RetryDeadLetter(ctx, dead[0].ID))
	for range 5 {
		w.clock.Advance(20 * time.Minute)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
		require.Equal(t, registry.OutboxPending, outboxMessage(t, store, dead[0].ID).State, "within two hours of the retry")
	}
	for range 3 {
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, registry.OutboxDead, outboxMessage(t, store, dead[0].ID).State, "dead again two hours after the retry")
}

// outboxMessage reads one message of the store's outbox.
func outboxMessage(t *testing.T, store registry.OutboxStore, id string) registry.OutboxMessage {
	t.Helper()
	all, err := store.ListOutbox(context.Background(), registry.OutboxFilter{Limit: registry.MaxLimit})
	require.NoError(t, err)
	for _, m := range all {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no outbox message %s", id)
	return registry.OutboxMessage{}
}
