package onboarding_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// slowStore is a memory store whose writes take a while: hook, once on,
// runs at the start of each.
type slowStore struct {
	*registry.MemoryStore
	w    *world
	on   atomic.Bool
	hook func(*world, *slowStore)
}

func (s *slowStore) Update(ctx context.Context, w registry.Write) error {
	if s.on.Load() {
		s.hook(s.w, s)
	}
	return s.MemoryStore.Update(ctx, w)
}

// schedulerWithDue starts RunScheduler, every second, on a service with n
// live participants whose certificate notices are due; hook runs at the
// start of each of its writes. The scheduler stops when the test ends.
func schedulerWithDue(t *testing.T, n int, hook func(*world, *slowStore), opts ...onboarding.Option) *onboarding.Service {
	t.Helper()
	w := newWorld(t)
	store := &slowStore{MemoryStore: registry.NewMemoryStore(), w: w, hook: hook}
	svc := w.service(store, opts...)
	for range n {
		live(t, w, svc)
	}
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 10*day)
	store.on.Store(true)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- svc.RunScheduler(ctx, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return svc
}

// readyThroughout polls Ready for d and returns its first error.
func readyThroughout(svc *onboarding.Service, d time.Duration) error {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if err := svc.Ready(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

// A scheduler pass longer than three intervals is not a stalled scheduler
// while it makes progress, and it keeps its lease: the replica serving it
// stays ready, and no other replica starts a pass beside it.
func TestLongSchedulerPassStaysReadyAndKeepsItsLease(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		writes int
		took   []bool // whether replica-2 took the lease, at each write
	)
	svc := schedulerWithDue(t, 3, func(w *world, store *slowStore) {
		mu.Lock()
		writes++
		if writes > 1 && writes <= 3 {
			ok, err := store.AcquireLease(context.Background(), onboarding.SchedulerLease, "replica-2", w.clock.Now(), time.Minute)
			assert.NoError(t, err)
			took = append(took, ok)
		}
		mu.Unlock()
		w.clock.Advance(2 * time.Second) // the lease lasts three intervals: 3 s
		time.Sleep(1400 * time.Millisecond)
	}, onboarding.WithStallFloor(0))

	// Three writes of 1.4 s: one pass of over four seconds, past three
	// intervals without a pass ending.
	require.NoError(t, readyThroughout(svc, 4500*time.Millisecond), "a pass making progress is alive")
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, writes, 3)
	assert.Equal(t, []bool{false, false}, took, "the pass renews its lease as it goes")
}

// A pass stuck on one step is reported once three intervals and the stall
// floor have gone by — not before the floor: one readiness check with its
// retries may rightly take longer than three intervals of a second.
func TestReadyReportsAStalledScheduler(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		opts  []onboarding.Option
		ready bool
	}{
		{"past the floor", []onboarding.Option{onboarding.WithStallFloor(0)}, false},
		{"within the floor", nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			var once sync.Once
			defer once.Do(func() { close(release) })
			entered := make(chan struct{}, 1)
			svc := schedulerWithDue(t, 1, func(*world, *slowStore) {
				select {
				case entered <- struct{}{}:
				default:
				}
				<-release
			}, c.opts...)
			<-entered
			require.NoError(t, svc.Ready(context.Background()), "just stuck")
			err := readyThroughout(svc, 3500*time.Millisecond)
			if c.ready {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "scheduler: no sign of life for")
			}
			once.Do(func() { close(release) })
			require.Eventually(t, func() bool { return svc.Ready(context.Background()) == nil },
				5*time.Second, 20*time.Millisecond, "ready again once the pass goes on")
		})
	}
}

// claimBlocks is a memory store whose outbox claims wait for release.
type claimBlocks struct {
	*registry.MemoryStore
	entered chan struct{}
	release chan struct{}
}

func (s *claimBlocks) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]registry.OutboxMessage, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return s.MemoryStore.ClaimOutbox(ctx, owner, now, lease, limit)
}

// The dispatcher is alive from its start: a first pass still running is
// not a dispatcher that never ran.
func TestReadyWhileTheFirstOutboxPassRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	store := &claimBlocks{MemoryStore: registry.NewMemoryStore(), entered: make(chan struct{}, 1), release: make(chan struct{})}
	svc := w.service(store)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.RunOutbox(ctx, time.Second) }()
	<-store.entered
	assert.NoError(t, svc.Ready(context.Background()))
	close(store.release)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}
