package onboarding

import (
	"context"
	"fmt"
	"time"

	"github.com/openhcx/hcxonboard/registry"
)

// WaitingKinds lists what an application can wait on, as
// registry.Application.Waiting names it: the kinds of task (KindReview,
// KindApproval, KindOTP, KindRetry, KindAwait, KindAmend, KindUpload,
// KindCertificateExpired), WaitingDeboarding and WaitingReadinessFailed.
func WaitingKinds() []string {
	return []string{KindReview, KindApproval, KindOTP, KindRetry, KindAwait, KindAmend, KindUpload, WaitingDeboarding, KindCertificateExpired, WaitingReadinessFailed}
}

// CountApplications counts the applications in each stage, every stage
// present (registry.StageCounter), for metrics. A store that cannot count
// is ErrNotConfigured.
func (s *Service) CountApplications(ctx context.Context) (map[registry.Stage]int, error) {
	sc, ok := s.store.(registry.StageCounter)
	if !ok {
		return nil, fmt.Errorf("%w: the store cannot count applications (registry.StageCounter)", ErrNotConfigured)
	}
	counts, err := sc.CountApplications(ctx)
	if err != nil {
		return nil, fmt.Errorf("onboarding: count applications: %w", err)
	}
	return counts, nil
}

// OldestWaiting returns when the oldest application waiting on kind (one
// of WaitingKinds) was submitted, and false when none waits on it, for
// metrics: the first entry of the staff queue for that kind, one indexed
// read of one application.
func (s *Service) OldestWaiting(ctx context.Context, kind string) (time.Time, bool, error) {
	if kind == "" {
		return time.Time{}, false, fmt.Errorf("%w: empty waiting kind", ErrInvalidArgument)
	}
	as, err := s.store.ListApplications(ctx, registry.ApplicationFilter{Waiting: kind, Limit: 1})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("onboarding: oldest application waiting on %q: %w", clip(kind), err)
	}
	if len(as) == 0 {
		return time.Time{}, false, nil
	}
	return as[0].CreatedAt, true, nil
}

// OutboxDepth counts the outbox's pending and dead messages
// (registry.OutboxStore.OutboxDepth), for metrics. Without an outbox it is
// ErrNotConfigured.
func (s *Service) OutboxDepth(ctx context.Context) (map[registry.OutboxState]int, error) {
	if s.outbox == nil {
		return nil, fmt.Errorf("%w: no outbox", ErrNotConfigured)
	}
	depth, err := s.outbox.store.OutboxDepth(ctx)
	if err != nil {
		return nil, fmt.Errorf("onboarding: outbox depth: %w", err)
	}
	return depth, nil
}
