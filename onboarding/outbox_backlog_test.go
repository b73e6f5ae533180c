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

// After a transport outage RunOutbox drains the backlog at once, batch
// after batch while whole batches go out, rather than one batch per
// interval: one-time codes waiting there die with their lifetime.
func TestRunOutboxDrainsABacklog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("smtp: connection refused"))
	for range 120 {
		_, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
	}
	depth, err := store.OutboxDepth(ctx)
	require.NoError(t, err)
	backlog := depth[registry.OutboxPending]
	require.Greater(t, backlog, 100, "more than two batches wait")
	w.notes.setFail(nil)
	w.clock.Advance(2 * time.Minute) // past every backoff

	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.RunOutbox(run, time.Hour) }()
	require.Eventually(t, func() bool {
		d, err := store.OutboxDepth(ctx)
		return err == nil && d[registry.OutboxPending] == 0
	}, 10*time.Second, 10*time.Millisecond, "the backlog goes out in the first pass, not one batch an hour")
	stop()
	require.ErrorIs(t, <-done, context.Canceled)
	require.Len(t, w.notes.of(onboarding.MessageReviewRequest, ""), 120)
}
