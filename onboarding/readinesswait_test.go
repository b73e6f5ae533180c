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

// ReadinessWait must say go-live waits when the only report is older than
// the age allowed, as GoLive refuses it.
func TestReadinessWaitTooOld(t *testing.T) {
	ctx := context.Background()
	op := readinesstest.NewOperator(7)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, time.Hour),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	a, _ := withDetails(t, w, svc, op)
	_, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.CheckReadiness(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "", svc.ReadinessWait(ctx, a.ID), "a fresh passing report: no wait")
	w.clock.Advance(2 * time.Hour)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.ErrorIs(t, err, onboarding.ErrNotReady, "GoLive refuses the old report")
	assert.Contains(t, svc.ReadinessWait(ctx, a.ID), "too old", "ReadinessWait agrees with GoLive")
}
