package onboarding_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// panicsOn is a store whose writes of one application panic: a bug met
// in one application's scheduled work.
type panicsOn struct {
	*registry.MemoryStore
	mu sync.Mutex
	id string
}

func (s *panicsOn) Update(ctx context.Context, w registry.Write) error {
	s.mu.Lock()
	id := s.id
	s.mu.Unlock()
	if w.Application != nil && w.Application.ID == id {
		panic("a bug in this application's work")
	}
	return s.MemoryStore.Update(ctx, w)
}

// A pass of scheduled work that panics on one application does not take
// the process down — nor, the application staying due, every replica
// that runs the next pass: the panic is that application's error, and
// the pass does the others' work.
func TestScheduledWorkSurvivesAPanic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &panicsOn{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
	bad, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // waits on its OTP
	require.NoError(t, err)
	good, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	store.mu.Lock()
	store.id = bad.ID
	store.mu.Unlock()

	w.clock.Advance(31 * day)
	var n int
	require.NotPanics(t, func() { n, err = svc.RunDue(ctx) })
	require.ErrorContains(t, err, "panicked")
	require.ErrorContains(t, err, bad.ID)
	require.Equal(t, 1, n, "the other application's work is done")
	got, err := svc.Application(ctx, good.ID)
	require.NoError(t, err)
	require.Equal(t, registry.StageWithdrawn, got.Stage)

	// RunScheduler's pass, with several workers, survives it too.
	run, stop := context.WithTimeout(ctx, 2*time.Second)
	defer stop()
	require.NotPanics(t, func() {
		require.NoError(t, svc.RunScheduler(run, onboarding.SchedulerOptions{Interval: time.Second, Workers: 4}))
	})
}
