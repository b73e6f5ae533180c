package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// pendingApplications is how many applications the dispatch test submits
// while the transport is down; each leaves a message or more pending.
const pendingApplications = 180

func TestTwoDispatchersSendEachMessageOncePostgres(t *testing.T) {
	t.Parallel()
	testTwoDispatchers(t, "postgres")
}

// On SQLite the claim runs in the single writer's transaction, across
// processes too: two processes on one file also take turns.
func TestTwoDispatchersSendEachMessageOnceSQLite(t *testing.T) {
	t.Parallel()
	testTwoDispatchers(t, "sqlite")
}

// testTwoDispatchers fills one database's outbox while the transport is
// down, then starts two dispatcher processes on it at once, each running
// RunOutbox with its own store handle, against one receiver, until
// nothing is pending: every message must be received exactly once, and
// both dispatchers must have sent some.
func testTwoDispatchers(t *testing.T, dialect string) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	if dialect == "postgres" {
		sqlstoretest.PostgresDSN(t) // skips, or fails where services are required
	}
	ctx := context.Background()
	rcv := newReceiver(t, mrand.New(mrand.NewPCG(1, 2)))
	w, path := newWorld(t, dialect, rcv)
	pending := fillOutbox(t, w)
	rcv.mu.Lock()
	rcv.delay = 10 * time.Millisecond // ~2 s of deliveries: both dispatchers start in that time, however loaded the machine
	rcv.mu.Unlock()

	a := startChild(t, modeDispatch, path, envLabel+"=A")
	b := startChild(t, modeDispatch, path, envLabel+"=B")
	for _, c := range []*child{a, b} {
		line, ok := <-c.lines
		require.True(t, ok && line == readyLine, "dispatcher did not start: %q\n%s", line, c.stderr.String())
	}
	for _, c := range []*child{a, b} {
		_, err := c.stdin.Write([]byte("go\n"))
		require.NoError(t, err)
		require.NoError(t, c.stdin.Close())
	}
	for _, c := range []*child{a, b} {
		var lines []string
		for line := range c.lines {
			lines = append(lines, line)
		}
		require.NoError(t, c.cmd.Wait(), "dispatcher: %s", c.stderr.String())
		require.Equal(t, []string{doneLine}, lines, "dispatcher: %s", c.stderr.String())
	}

	got, invalid, _ := rcv.snapshot()
	require.Empty(t, invalid, "the receiver refused deliveries")
	by := map[string]int{}
	for id, d := range got {
		require.Contains(t, pending, id, "received message %s (%s), which was not pending", id, d.kind)
		require.Equal(t, 1, d.count, "message %s (%s) received %d times: %v", id, d.kind, d.count, d.by)
		for label, n := range d.by {
			by[label] += n
		}
	}
	for id := range pending {
		require.Contains(t, got, id, "pending message %s was never received", id)
	}
	require.Positive(t, by["A"], "dispatcher A sent nothing: the test did not run two dispatchers at once")
	require.Positive(t, by["B"], "dispatcher B sent nothing: the test did not run two dispatchers at once")

	s, err := w.open(ctx)
	require.NoError(t, err)
	defer s.Close()
	rows, err := outbox(ctx, s)
	require.NoError(t, err)
	require.Len(t, rows, len(pending))
	for _, m := range rows {
		require.Equal(t, registry.OutboxSent, m.State, "message %s", m.ID)
	}
	t.Logf("%s: %d messages pending, each received once: %d through dispatcher A, %d through B", dialect, len(pending), by["A"], by["B"])
}

// fillOutbox submits pendingApplications applications (of every kind)
// from a few goroutines while the transport is down, an hour ago by the
// engine's clock, so that the attempt each write makes fails and every
// message waits in the outbox, due again by now. It returns the ids.
func fillOutbox(t *testing.T, w *world) map[string]bool {
	t.Helper()
	ctx := context.Background()
	s, err := w.open(ctx)
	require.NoError(t, err)
	defer s.Close()
	down := onboarding.NotifierFunc(func(context.Context, onboarding.Message) error {
		return errors.New("transport down")
	})
	// Written two minutes ago: due again now (the first backoff is 30 s),
	// and the one-time codes among them still live (a stale code is never
	// sent late).
	svc, err := w.service(s, down, onboarding.WithClock(func() time.Time { return time.Now().Add(-2 * time.Minute) }),
		onboarding.WithLogger(slog.New(slog.DiscardHandler))) // every attempt fails: no news

	require.NoError(t, err)
	const fillers = 4
	errs := make([]error, fillers)
	var wg sync.WaitGroup
	for g := range fillers {
		wg.Go(func() {
			for i := g; i < pendingApplications && errs[g] == nil; i += fillers {
				appID := fmt.Sprintf("pending-%03d", i)
				a, err := svc.Submit(ctx, w.application(appID, i%kinds, i))
				switch {
				case err != nil:
					errs[g] = fmt.Errorf("%s: %w", appID, err)
				case len(a.Reasons) > 0:
					errs[g] = fmt.Errorf("%s: rejected: %v", appID, a.Reasons)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	rows, err := outbox(ctx, s)
	require.NoError(t, err)
	pending := make(map[string]bool, len(rows))
	for _, m := range rows {
		require.Equal(t, registry.OutboxPending, m.State, "message %s", m.ID)
		require.Positive(t, m.Attempts, "message %s: the write's own attempt failed", m.ID)
		pending[m.ID] = true
	}
	require.GreaterOrEqual(t, len(pending), pendingApplications)
	return pending
}
