package onboarding

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// Pinger is what a store that can say it is reachable offers (optional,
// found by type assertion).
type Pinger interface {
	Ping(ctx context.Context) error
}

// beat records the signs of life of a background loop (RunOutbox,
// RunScheduler) for Ready: whether it was started and still runs, when it
// started, each step of a pass, each pass's end, and how long a step
// under way may rightly take.
type beat struct {
	last     atomic.Int64 // UnixNano of the last sign of life
	until    atomic.Int64 // UnixNano: the steps under way may run until then
	interval atomic.Int64 // the interval of the loop started last
	running  atomic.Int32 // how many such loops run now
	started  atomic.Bool  // whether one was ever started
}

// start marks a loop running, alive now.
func (b *beat) start(interval time.Duration) {
	b.alive()
	b.interval.Store(int64(interval))
	b.running.Add(1)
	b.started.Store(true) // after running: never started, or running
}

// alive records a sign of life.
func (b *beat) alive() { b.last.Store(time.Now().UnixNano()) }

// stop marks a loop ended: once none runs, Ready reports it stopped.
func (b *beat) stop() { b.running.Add(-1) }

// check says why the loop is not alive, naming it what: it was started
// and none runs now, or it has shown no sign of life for longer than
// three intervals and no step under way may still rightly be running.
// Nil while it is alive, and when it was never started.
func (b *beat) check(what string) error {
	if !b.started.Load() {
		return nil
	}
	if b.running.Load() <= 0 {
		return fmt.Errorf("%s: stopped", what)
	}
	iv := time.Duration(b.interval.Load())
	now := time.Now()
	since := now.Sub(time.Unix(0, b.last.Load()))
	if since > 3*iv && now.UnixNano() > b.until.Load() {
		return fmt.Errorf("%s: no sign of life for %s (every %s)", what, since.Round(time.Second), iv)
	}
	return nil
}

type beatKey struct{}

// withBeat gives the steps run under ctx the loop's beat (bounded).
func withBeat(ctx context.Context, b *beat) context.Context {
	return context.WithValue(ctx, beatKey{}, b)
}

// bounded tells the loop running ctx's step, if any, that the step may
// take up to d — a readiness check with its retries, a message sent
// within its timeout — so that Ready does not call the loop stalled
// meanwhile. The returned func ends the step, a sign of life.
func bounded(ctx context.Context, d time.Duration) func() {
	b, _ := ctx.Value(beatKey{}).(*beat)
	if b == nil {
		return func() {}
	}
	until := time.Now().Add(d).UnixNano()
	for {
		// The latest end of the steps under way (a pass runs several at
		// once); a step ending early leaves it, for at most its bound.
		cur := b.until.Load()
		if cur >= until || b.until.CompareAndSwap(cur, until) {
			break
		}
	}
	return b.alive
}

// ReadyTimeout bounds Ready's check of the store.
const ReadyTimeout = 5 * time.Second

// Ready reports whether this Service can serve: the store answers (its
// Ping when it has one — registry/sqlstore's also checks that the schema
// is current —, else a read of one application), and, once RunOutbox or
// RunScheduler has been started, that it still runs and shows signs of
// life: a pass that worked (see RunOutbox, RunScheduler), or a step
// within one, in the last three intervals, or a step under way that may
// still rightly run (a readiness check within its checker's MaxDuration,
// a message within its send timeout). A loop that
// has returned (its context ended) makes Ready fail until it is started
// again: nothing in this replica runs its jobs. A Service whose loops were
// never started — a library user calling DispatchOutbox and RunDue
// itself — is judged by its store alone. An error says what is wrong,
// naming the loop, for /readyz.
func (s *Service) Ready(ctx context.Context) error {
	// A probe fails fast: a store that hangs is not ready, whatever the
	// caller's patience (/readyz needs no login).
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	if p, ok := s.store.(Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	} else if _, err := s.store.ListApplications(ctx, registry.ApplicationFilter{Limit: 1}); err != nil && !errors.Is(err, registry.ErrNotFound) {
		return fmt.Errorf("store: %w", err)
	}
	if err := s.beat.check("outbox dispatcher"); err != nil {
		return err
	}
	return s.schedBeat.check("scheduler")
}
