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

func TestStats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	counts, err := svc.CountApplications(ctx)
	require.NoError(t, err)
	require.Equal(t, registry.NewStageCounts(), counts, "every stage, at zero")
	for _, kind := range onboarding.WaitingKinds() {
		_, ok, err := svc.OldestWaiting(ctx, kind)
		require.NoError(t, err)
		require.False(t, ok, "nothing waits on %s yet", kind)
	}

	reg, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator)) // waits on a staff review
	require.NoError(t, err)
	w.clock.Advance(time.Hour)
	w.notes.setFail(errors.New("the mail relay is down"))
	isnp, err := svc.Submit(ctx, w.application(verifier.CategoryISNP)) // waits on its admin's one-time code
	require.NoError(t, err)
	require.Equal(t, onboarding.KindReview, reg.OpenTasks()[0].Kind)
	require.Equal(t, onboarding.KindOTP, isnp.OpenTasks()[0].Kind)

	counts, err = svc.CountApplications(ctx)
	require.NoError(t, err)
	want := registry.NewStageCounts()
	want[reg.Stage]++
	want[isnp.Stage]++
	require.Equal(t, want, counts)

	for kind, app := range map[string]*onboarding.Application{onboarding.KindReview: reg, onboarding.KindOTP: isnp} {
		since, ok, err := svc.OldestWaiting(ctx, kind)
		require.NoError(t, err)
		require.True(t, ok, kind)
		require.True(t, since.Equal(app.CreatedAt), "%s: the oldest waits since %v, want %v", kind, since, app.CreatedAt)
	}
	_, ok, err := svc.OldestWaiting(ctx, onboarding.KindApproval)
	require.NoError(t, err)
	require.False(t, ok)
	_, _, err = svc.OldestWaiting(ctx, "")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)

	// The ISNP's code could not be sent: it waits in the outbox.
	depth, err := svc.OutboxDepth(ctx)
	require.NoError(t, err)
	require.Equal(t, map[registry.OutboxState]int{registry.OutboxPending: 1, registry.OutboxDead: 0}, depth)
	w.notes.setFail(nil)
	sent, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 0, sent, "not due before its backoff")
	w.clock.Advance(time.Minute) // past the backoff, within the code's life
	sent, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	depth, err = svc.OutboxDepth(ctx)
	require.NoError(t, err)
	require.Equal(t, map[registry.OutboxState]int{registry.OutboxPending: 0, registry.OutboxDead: 0}, depth)

	// A store that can do neither: only the registry.Store interface.
	bare := w.service(struct{ registry.Store }{registry.NewMemoryStore()})
	_, err = bare.CountApplications(ctx)
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
	_, err = bare.OutboxDepth(ctx)
	require.ErrorIs(t, err, onboarding.ErrNotConfigured)
	_, ok, err = bare.OldestWaiting(ctx, onboarding.KindReview)
	require.NoError(t, err, "the queue listing is every store's")
	require.False(t, ok)
}
