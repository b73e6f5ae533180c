package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
)

// A readiness failure left alone for three days, re-checked (and failing)
// every night, reads as opened at its first failed check: the wait's age
// grows while it goes on failing.
func TestReadinessFailedAgeCountsFromTheFirstFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(9)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	a, p := withDetails(t, w, svc, op)
	_, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)

	p.Server.Close()
	w.clock.Advance(day + time.Minute)
	_, err = svc.RunDue(ctx) // the first failure: the wait opens now
	require.NoError(t, err)
	opened := w.clock.Now()
	for range 3 {
		w.clock.Advance(day + time.Minute)
		_, err = svc.RunDue(ctx) // fails again
		require.NoError(t, err)
	}
	queue, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingReadinessFailed})
	require.NoError(t, err)
	require.Len(t, queue, 1, "still failing, still waiting on staff")
	w.clock.Advance(time.Hour)
	assert.GreaterOrEqual(t, taskAge(t, w, svc, onboarding.WaitingReadinessFailed), w.clock.Now().Sub(opened),
		"the wait opened at the first failed check")
}
