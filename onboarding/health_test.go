package onboarding_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
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
// start of each of its writes; opts are made from the world. Its passes
// work on one application at a time; the scheduler stops when the test
// ends.
func schedulerWithDue(t *testing.T, n int, hook func(*world, *slowStore), opts ...func(*world) onboarding.Option) *onboarding.Service {
	t.Helper()
	w := newWorld(t)
	store := &slowStore{MemoryStore: registry.NewMemoryStore(), w: w, hook: hook}
	var o []onboarding.Option
	for _, f := range opts {
		o = append(o, f(w))
	}
	svc := w.service(store, o...)
	for range n {
		live(t, w, svc)
	}
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 10*day)
	store.on.Store(true)

	startScheduler(t, svc, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1", Workers: 1})
	return svc
}

// startScheduler runs svc's scheduler until the test ends, and then
// checks that it stopped cleanly.
func startScheduler(t *testing.T, svc *onboarding.Service, o onboarding.SchedulerOptions) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.RunScheduler(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
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
	})

	// Three writes of 1.4 s: one pass of over four seconds, past three
	// intervals without a pass ending.
	require.NoError(t, readyThroughout(svc, 4500*time.Millisecond), "a pass making progress is alive")
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, writes, 3)
	assert.Equal(t, []bool{false, false}, took, "the pass renews its lease as it goes")
}

// A pass stuck on one step whose length nothing bounds (here a store
// write) is reported once three intervals have gone by, and the replica is
// ready again once the pass goes on.
func TestReadyReportsAStalledScheduler(t *testing.T) {
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
	})
	<-entered
	require.NoError(t, svc.Ready(context.Background()), "just stuck")
	var err error
	require.Eventually(t, func() bool { err = svc.Ready(context.Background()); return err != nil },
		10*time.Second, 50*time.Millisecond, "a stuck pass is reported")
	assert.Contains(t, err.Error(), "scheduler: no sign of life for")
	once.Do(func() { close(release) })
	require.Eventually(t, func() bool { return svc.Ready(context.Background()) == nil },
		5*time.Second, 20*time.Millisecond, "ready again once the pass goes on")
}

// slowNotifier takes its time over one kind of message, saying on
// started when it begins.
type slowNotifier struct {
	next    onboarding.Notifier
	kind    string
	took    time.Duration
	sent    atomic.Int32
	started chan struct{}
}

func (n *slowNotifier) Notify(ctx context.Context, m onboarding.Message) error {
	if m.Kind == n.kind {
		select {
		case n.started <- struct{}{}:
		default:
		}
		time.Sleep(n.took)
		n.sent.Add(1)
	}
	return n.next.Notify(ctx, m)
}

// begun waits for a slow step to start: the pass may start late on a busy
// machine, and readiness is watched while the step runs.
func begun(t *testing.T, started <-chan struct{}) {
	t.Helper()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		t.Fatal("the slow step never started")
	}
}

// A step that takes longer than three intervals but stays within its own
// bound — a message sent within its timeout, a readiness check within its
// checker's MaxDuration — is not a stalled scheduler.
func TestReadyThroughALongBoundedStep(t *testing.T) {
	t.Parallel()
	const took = 3500 * time.Millisecond // over three intervals of a second

	t.Run("a notice sent", func(t *testing.T) {
		t.Parallel()
		n := &slowNotifier{kind: onboarding.MessageCertificateExpiring, took: took, started: make(chan struct{}, 1)}
		svc := schedulerWithDue(t, 1, func(*world, *slowStore) {}, func(w *world) onboarding.Option {
			n.next = w.notes
			return onboarding.WithNotifier(n)
		})
		begun(t, n.started)
		require.NoError(t, readyThroughout(svc, took))
		require.Eventually(t, func() bool { return n.sent.Load() == 1 }, 30*time.Second, 20*time.Millisecond, "the notice went during the pass")
	})

	t.Run("a readiness check", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		op := readinesstest.NewOperator(7)
		checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
		require.Greater(t, checker.MaxDuration(), took)
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, 0),
			onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
		var slowOn atomic.Bool // the checks of step 3 run at full speed
		started := make(chan struct{}, 1)
		slow := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if slowOn.Load() {
					select {
					case started <- struct{}{}:
					default:
					}
					time.Sleep(took)
				}
				next.ServeHTTP(rw, r)
			})
		}
		a, _ := withDetails(t, w, svc, op, readinesstest.WithMiddleware(slow))
		slowOn.Store(true)

		startScheduler(t, svc, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1"})
		begun(t, started)
		require.NoError(t, readyThroughout(svc, took))
		require.Eventually(t, func() bool {
			a, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			return a.Readiness != nil && a.Readiness.Report.Ready
		}, 30*time.Second, 50*time.Millisecond, "the check ran in the pass")
	})
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

// A pass works on several applications at once, up to Workers: slow
// readiness checks do not queue every other due piece of work behind them.
func TestSchedulerWorksOnSeveralApplicationsAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const workers, apps = 3, 6
	op := readinesstest.NewOperator(7)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))

	var (
		mu       sync.Mutex
		cond     = sync.NewCond(&mu)
		inFlight int
		peak     int
	)
	// Each check waits, up to a while, for as many as a pass may run at
	// once: run one at a time, they would never meet.
	meet := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			cond.Broadcast()
			deadline := time.AfterFunc(5*time.Second, func() { mu.Lock(); cond.Broadcast(); mu.Unlock() })
			start := time.Now()
			for inFlight < workers && time.Since(start) < 5*time.Second {
				cond.Wait()
			}
			deadline.Stop()
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			next.ServeHTTP(rw, r)
		})
	}
	var ids []string
	for range apps {
		a, _ := withDetails(t, w, svc, op, readinesstest.WithMiddleware(meet))
		ids = append(ids, a.ID)
	}

	startScheduler(t, svc, onboarding.SchedulerOptions{Interval: time.Minute, Owner: "replica-1", Workers: workers})
	require.Eventually(t, func() bool {
		for _, id := range ids {
			a, err := svc.Application(ctx, id)
			if err != nil || a.Readiness == nil {
				return false
			}
		}
		return true
	}, 30*time.Second, 50*time.Millisecond, "every participant checked in the first pass")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, workers, peak, "as many checks at once as workers, and no more")

	for _, n := range []int{-1, onboarding.MaxSchedulerWorkers + 1} {
		err := svc.RunScheduler(ctx, onboarding.SchedulerOptions{Workers: n})
		require.ErrorIs(t, err, onboarding.ErrInvalidArgument, "%d workers", n)
	}
}
