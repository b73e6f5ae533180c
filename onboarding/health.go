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

// stallFloor is the least time without a sign of life after which Ready
// calls a background loop stopped, however short its interval: one step
// of a pass — a readiness check with its retries, a notice sent — may
// take this long without the loop being stuck.
const stallFloor = 2 * time.Minute

// beat records the signs of life of a background loop (RunOutbox,
// RunScheduler) for Ready: when it started, each step of a pass, and each
// pass's end.
type beat struct {
	last     atomic.Int64 // UnixNano of the last sign of life
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
// is longer than three intervals and floor.
func (b *beat) stalled(floor time.Duration) (time.Duration, time.Duration, bool) {
	iv := time.Duration(b.interval.Load())
	if iv <= 0 {
		return 0, 0, false
	}
	since := time.Since(time.Unix(0, b.last.Load()))
	return since, iv, since > max(3*iv, floor)
}

// Ready reports whether this Service can serve: the store answers (its
// Ping when it has one — registry/sqlstore's also checks that the schema
// is current —, else a read of one application), and, while RunOutbox and
// RunScheduler run, that they show signs of life: a pass, or a step within
// one, in the last three intervals (and at least the last two minutes,
// since one step may take that long). An error says what is wrong, for
// /readyz.
func (s *Service) Ready(ctx context.Context) error {
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
		if since, iv, stalled := b.beat.stalled(s.stallFloor); stalled {
			return fmt.Errorf("%s: no sign of life for %s (every %s)", b.what, since.Round(time.Second), iv)
		}
	}
	return nil
}
