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
// RunScheduler) for Ready: when it started, each step of a pass, each
// pass's end, and how long a step under way may rightly take.
type beat struct {
	last     atomic.Int64 // UnixNano of the last sign of life
	until    atomic.Int64 // UnixNano: the steps under way may run until then
	interval atomic.Int64 // the loop's interval; 0 while it does not run
}

// start marks the loop running, alive now.
func (b *beat) start(interval time.Duration) {
	b.alive()
	b.interval.Store(int64(interval))
}

// alive records a sign of life.
func (b *beat) alive() { b.last.Store(time.Now().UnixNano()) }

// stop marks the loop ended: Ready no longer judges it.
func (b *beat) stop() { b.interval.Store(0) }

// stalled reports how long the loop has shown no sign of life, when that
// is longer than three intervals and no step under way may still rightly
// be running.
func (b *beat) stalled() (time.Duration, time.Duration, bool) {
	iv := time.Duration(b.interval.Load())
	if iv <= 0 {
		return 0, 0, false
	}
	now := time.Now()
	since := now.Sub(time.Unix(0, b.last.Load()))
	return since, iv, since > 3*iv && now.UnixNano() > b.until.Load()
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
// is current —, else a read of one application), and, while RunOutbox and
// RunScheduler run, that they show signs of life: a pass, or a step within
// one, in the last three intervals, or a step under way that may still
// rightly run (a readiness check within its checker's MaxDuration, a
// message within its send timeout). An error says what is wrong, for
// /readyz.
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
	for _, b := range []struct {
		what string
		beat *beat
	}{{"outbox dispatcher", &s.beat}, {"scheduler", &s.schedBeat}} {
		if since, iv, stalled := b.beat.stalled(); stalled {
			return fmt.Errorf("%s: no sign of life for %s (every %s)", b.what, since.Round(time.Second), iv)
		}
	}
	return nil
}
