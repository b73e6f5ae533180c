package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A service whose loops were never started (a library user calling
// DispatchOutbox and RunDue itself) is ready on its store alone. Once
// RunOutbox and RunScheduler have been started, Ready holds while they
// run, fails once one of them has returned — naming it — and holds again
// once it runs again.
func TestReadyFailsOnceAStartedLoopHasStopped(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	require.NoError(t, svc.Ready(context.Background()), "no loop was started")
	_, err := svc.DispatchOutbox(context.Background())
	require.NoError(t, err)
	_, err = svc.RunDue(context.Background())
	require.NoError(t, err)
	require.NoError(t, svc.Ready(context.Background()), "jobs called directly")

	ctx, cancel := context.WithCancel(context.Background())
	outboxDone, schedDone := make(chan error, 1), make(chan error, 1)
	go func() { outboxDone <- svc.RunOutbox(ctx, time.Second) }()
	go func() {
		schedDone <- svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	}()
	require.NoError(t, svc.Ready(context.Background()), "ready while both loops start and run")

	cancel() // both loops return: nothing dispatches or runs jobs here
	require.ErrorIs(t, <-outboxDone, context.Canceled)
	require.NoError(t, <-schedDone)
	err = svc.Ready(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outbox dispatcher: stopped")

	// The dispatcher runs again; the scheduler is still stopped.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { outboxDone <- svc.RunOutbox(ctx, time.Second) }()
	require.Eventually(t, func() bool {
		err = svc.Ready(context.Background())
		return err != nil && err.Error() == "scheduler: stopped"
	}, 30*time.Second, 10*time.Millisecond, "the scheduler is named once the dispatcher runs")
	go func() {
		schedDone <- svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	}()
	require.Eventually(t, func() bool { return svc.Ready(context.Background()) == nil },
		30*time.Second, 10*time.Millisecond, "ready again once both run")
	cancel()
	require.ErrorIs(t, <-outboxDone, context.Canceled)
	require.NoError(t, <-schedDone)
}
