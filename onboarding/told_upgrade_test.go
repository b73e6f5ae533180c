package onboarding_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
)

// A live participant told of its failing check is not told again at its
// next one, for the same details, whatever version of the engine stored
// the first: only a failure made before going live is marked untold.
func TestLiveFailureToldOnce(t *testing.T) {
	ctx := context.Background()
	op := readinesstest.NewOperator(12)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithReadiness(checker, false, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	other := readinesstest.RSAKey(3)
	a, _ := withDetails(t, w, svc, op, readinesstest.WithHandlerKeys(participant.Keys{Encryption: other, Signing: other}))
	_, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	_, err = svc.CheckReadiness(ctx, a.ID) // live, starts failing: told (old code told it too)
	require.NoError(t, err)
	told := len(w.notes.of(onboarding.MessageReadinessFailed, a.ID))
	require.NotZero(t, told)

	// The record as the code before 7655352 stored it: no "told".
	// A record stored before Untold was kept reads as one told: nothing
	// marks its failure untold.
	ra, err := store.Application(ctx, a.ID)
	require.NoError(t, err)
	require.False(t, bytes.Contains(ra.State, []byte(`"untold"`)), "a live failure is not untold")
	w.clock.Advance(2 * time.Minute)
	_, err = svc.CheckReadiness(ctx, a.ID) // same details, still failing
	require.NoError(t, err)
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), told, "a failure already told is not told again after the upgrade")
}
