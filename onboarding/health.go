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

// outboxBeat records when RunOutbox last finished a pass.
type outboxBeat struct {
	last     atomic.Int64 // UnixNano
	interval atomic.Int64
}

// Ready reports whether this Service can serve: the store answers (its
// Ping when it has one — registry/sqlstore's also checks that the schema
// is current —, else a read of one application), and, while RunOutbox and RunScheduler run, their
// last passes are recent (within three intervals). An error says what is wrong, for /readyz.
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
		beat *outboxBeat
	}{{"outbox dispatcher", &s.beat}, {"scheduler", &s.schedBeat}} {
		if iv := time.Duration(b.beat.interval.Load()); iv > 0 {
			last := time.Unix(0, b.beat.last.Load())
			if since := time.Since(last); since > 3*iv {
				return fmt.Errorf("%s: last pass %s ago (every %s)", b.what, since.Round(time.Second), iv)
			}
		}
	}
	return nil
}
