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

// oldestPage is how many applications OldestWaiting reads at a time, and
// oldestScan the most it reads in all.
const (
	oldestPage = 16
	oldestScan = 1024
)

// OldestWaiting returns when the oldest wait of kind (one of
// WaitingKinds) still under way opened, and false when no application
// waits on it, for metrics. A task opened when it was created, whatever
// happened to it since (a code resent, tried or locked); a de-boarding
// wait when the de-boarding was announced; a readiness_failed wait at the
// first of its failed checks in a row.
//
// It walks the staff queue for kind, which is in the order the
// applications were submitted (an indexed read, a page at a time), and
// stops at the first application submitted no earlier than the oldest
// wait found: none of its waits, nor those of any application after it,
// can have opened before it was submitted. When a kind's waits open at
// submission (a review) that is one or two applications; when they open
// later (an expired certificate) it reads the applications waiting on
// kind submitted before the oldest of those waits opened, up to 1,024 of
// them: past that the oldest found among those is answered, so a scrape
// stays bounded however many wait.
func (s *Service) OldestWaiting(ctx context.Context, kind string) (time.Time, bool, error) {
	if kind == "" {
		return time.Time{}, false, fmt.Errorf("%w: empty waiting kind", ErrInvalidArgument)
	}
	var oldest time.Time
	f := registry.ApplicationFilter{Waiting: kind, Limit: oldestPage}
	for read := 0; ; read += oldestPage {
		as, err := s.store.ListApplications(ctx, f)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("onboarding: oldest application waiting on %q: %w", clip(kind), err)
		}
		for i := range as {
			a := &as[i]
			if !oldest.IsZero() && !a.CreatedAt.Before(oldest) {
				return oldest, true, nil
			}
			st, err := decodeState(a)
			if err != nil {
				return time.Time{}, false, err
			}
			if at := st.waitingSince(kind, a.CreatedAt); oldest.IsZero() || at.Before(oldest) {
				oldest = at
			}
		}
		if len(as) < f.Limit || read+oldestPage >= oldestScan {
			return oldest, !oldest.IsZero(), nil
		}
		last := as[len(as)-1]
		f.Cursor = registry.EncodeCursor(registry.Position{CreatedAt: last.CreatedAt, Key: last.ID})
	}
}

// waitingSince returns when st's wait of kind opened: its oldest open (or
// locked) task of that kind's creation, the announcement of its
// de-boarding, or the first of its failed readiness checks in a row;
// submitted (the
// application's submission) when st records no such time.
func (st *state) waitingSince(kind string, submitted time.Time) time.Time {
	var at time.Time
	switch kind {
	case WaitingDeboarding:
		if st.Deboarding != nil {
			at = st.Deboarding.RequestedAt
		}
	case WaitingReadinessFailed:
		if st.Readiness != nil {
			at = st.Readiness.failingSince()
		}
	default:
		for _, t := range st.Tasks {
			if t.Kind == kind && (t.State == TaskOpen || t.State == TaskLocked) && (at.IsZero() || t.CreatedAt.Before(at)) {
				at = t.CreatedAt
			}
		}
	}
	if at.IsZero() {
		return submitted
	}
	return at
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
