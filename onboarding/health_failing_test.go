package onboarding_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// failingDueStore is a memory store whose list of due applications fails
// while failing is on: the store answers, but no scheduled work can be
// found.
type failingDueStore struct {
	*registry.MemoryStore
	failing atomic.Bool
}

func (s *failingDueStore) DueApplications(ctx context.Context, by time.Time, limit int, cursor string) (registry.Page[registry.Application], error) {
	if s.failing.Load() {
		return registry.Page[registry.Application]{}, errors.New("relation applications: permission denied")
	}
	return s.MemoryStore.DueApplications(ctx, by, limit, cursor)
}

// A scheduler whose every pass fails — the store reachable, but the due
// applications cannot be read, so no notice, de-boarding or expiry ever
// runs — is not alive: Ready reports it, as it reports an outbox
// dispatcher whose passes fail, and is ready again once passes work.
func TestReadyReportsASchedulerWhosePassesFail(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	store := &failingDueStore{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store)
	live(t, w, svc)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 10*day)
	store.failing.Store(true)
	startScheduler(t, svc, onboarding.SchedulerOptions{Interval: time.Second, Owner: "replica-1", Workers: 1})

	var err error
	require.Eventually(t, func() bool { err = svc.Ready(context.Background()); return err != nil },
		20*time.Second, 50*time.Millisecond, "a scheduler whose passes all fail is reported")
	assert.Contains(t, err.Error(), "scheduler: no sign of life for")

	store.failing.Store(false)
	require.Eventually(t, func() bool { return svc.Ready(context.Background()) == nil },
		20*time.Second, 20*time.Millisecond, "ready again once a pass works")
}
