package onboarding_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// listWatch records the listings a store is asked for.
type listWatch struct {
	*registry.MemoryStore
	mu      sync.Mutex
	waiting []string
	due     int
}

func (s *listWatch) ListApplications(ctx context.Context, f registry.ApplicationFilter) ([]registry.Application, error) {
	s.mu.Lock()
	s.waiting = append(s.waiting, f.Waiting)
	s.mu.Unlock()
	return s.MemoryStore.ListApplications(ctx, f)
}

func (s *listWatch) ListApplicationsPage(ctx context.Context, f registry.ApplicationFilter) (registry.Page[registry.Application], error) {
	s.mu.Lock()
	s.waiting = append(s.waiting, f.Waiting)
	s.mu.Unlock()
	return s.MemoryStore.ListApplicationsPage(ctx, f)
}

func (s *listWatch) DueApplications(ctx context.Context, by time.Time, limit int, cursor string) (registry.Page[registry.Application], error) {
	s.mu.Lock()
	s.due++
	s.mu.Unlock()
	return s.MemoryStore.DueApplications(ctx, by, limit, cursor)
}

// The de-boarding job iterates by the indexed due date (DueApplications),
// not over every announced de-boarding whatever its date.
func TestProcessDeboardingsReadsByDueDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &listWatch{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store)
	a, _ := live(t, w, svc)
	_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "staff:ops", Reason: "fraud"})
	require.NoError(t, err)

	store.mu.Lock()
	store.waiting, store.due = nil, 0
	store.mu.Unlock()
	n, err := svc.ProcessDeboardings(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "not yet due")
	require.NotContains(t, store.waiting, onboarding.WaitingDeboarding, "listed every announced de-boarding instead of those due")
	require.Positive(t, store.due, "read the due index")

	// Once due, the sweep finds it there and de-boards it.
	w.clock.Advance(onboarding.DefaultNoticePeriod + time.Minute)
	n, err = svc.ProcessDeboardings(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusInactive, got.Status)
}
