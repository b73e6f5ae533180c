package onboarding_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// releaseWatch is a memory store that notes whether the lease's release
// was given a deadline: RunScheduler releases its lease after its context
// ended, and a store that does not answer (a database cut off by the
// network) must not keep it from returning.
type releaseWatch struct {
	*registry.MemoryStore
	held, released, bounded atomic.Bool
}

func (s *releaseWatch) AcquireLease(ctx context.Context, name, owner string, now time.Time, d time.Duration) (bool, error) {
	ok, err := s.MemoryStore.AcquireLease(ctx, name, owner, now, d)
	if ok {
		s.held.Store(true)
	}
	return ok, err
}

func (s *releaseWatch) ReleaseLease(ctx context.Context, name, owner string) error {
	_, ok := ctx.Deadline()
	s.bounded.Store(ok)
	s.released.Store(true)
	return s.MemoryStore.ReleaseLease(ctx, name, owner)
}

func TestSchedulerReleasesItsLeaseWithinATimeout(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	store := &releaseWatch{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	}()
	require.Eventually(t, store.held.Load, 10*time.Second, 10*time.Millisecond, "replica-1 takes the lease")
	cancel()
	require.NoError(t, <-done)
	require.True(t, store.released.Load(), "a stopped scheduler releases its lease")
	assert.True(t, store.bounded.Load(), "the release, run after the context ended, has a deadline of its own")
	held, err := store.AcquireLease(context.Background(), onboarding.SchedulerLease, "replica-2", w.clock.Now(), time.Minute)
	require.NoError(t, err)
	assert.True(t, held, "released")
}
