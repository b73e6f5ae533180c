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

// pendingOf lists the messages of application id still waiting in the
// outbox.
func pendingOf(t *testing.T, store registry.OutboxStore, id string) []registry.OutboxMessage {
	t.Helper()
	ms, err := store.ListOutbox(context.Background(), registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: id})
	require.NoError(t, err)
	return ms
}

// The scheduler retries the outbox: a message whose first send failed is
// sent by a pass once its backoff has ended, with no RunOutbox beside it;
// a pass before then leaves it waiting.
func TestSchedulerRetriesTheOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	p, _ := live(t, w, svc)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 10*day) // p's certificate notice is due

	w.notes.setFail(errors.New("smtp: connection refused"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	w.notes.setFail(nil)
	require.NotEmpty(t, pendingOf(t, store, a.ID), "the review request waits in the outbox")

	startScheduler(t, svc, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	// A pass retries the outbox before it does the due work: once p's
	// notice is sent, a pass has looked at the review request.
	require.Eventually(t, func() bool { return len(w.notes.of(onboarding.MessageCertificateExpiring, p.ID)) == 1 },
		30*time.Second, 20*time.Millisecond, "the first pass runs")
	assert.Empty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), "a message in its backoff is not sent")
	assert.NotEmpty(t, pendingOf(t, store, a.ID))

	w.clock.Advance(time.Hour) // past the backoff
	require.Eventually(t, func() bool { return len(pendingOf(t, store, a.ID)) == 0 },
		30*time.Second, 20*time.Millisecond, "a pass sends the message once its backoff has ended")
	assert.Len(t, w.notes.of(onboarding.MessageReviewRequest, a.ID), 1)
}

// Two replicas' schedulers and a RunOutbox loop beside one of them retry
// one outbox at once, and each message is sent once.
func TestSchedulersAndDispatcherSendEachRetryOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	replica1, replica2 := w.service(store), w.service(store)

	w.notes.setFail(errors.New("smtp: connection refused"))
	var ids []string
	for range 20 {
		a, err := replica1.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	w.notes.setFail(nil)
	w.clock.Advance(time.Hour) // past every backoff

	startScheduler(t, replica1, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	startScheduler(t, replica2, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-2"})
	octx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- replica2.RunOutbox(octx, 10*time.Millisecond) }()
	defer func() { stop(); <-done }()

	require.Eventually(t, func() bool {
		for _, id := range ids {
			if len(pendingOf(t, store, id)) > 0 {
				return false
			}
		}
		return true
	}, 30*time.Second, 20*time.Millisecond, "every message is sent")
	w.notes.mu.Lock()
	defer w.notes.mu.Unlock()
	sent := map[string]int{}
	for _, m := range w.notes.msgs {
		sent[m.ID]++
	}
	for id, n := range sent {
		assert.Equal(t, 1, n, "message %s", id)
	}
	assert.GreaterOrEqual(t, len(sent), len(ids))
}
