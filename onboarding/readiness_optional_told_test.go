package onboarding_test

import (
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

// failingParticipant is a participant whose endpoint answers with other
// keys, provisioned, on an engine where readiness is optional at go-live.
func failingParticipant(t *testing.T) (*world, *onboarding.Service, *onboarding.Application) {
	t.Helper()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, false, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	other := readinesstest.RSAKey(2)
	a, _ := withDetails(t, w, svc, op, readinesstest.WithHandlerKeys(participant.Keys{Encryption: other, Signing: other}))
	_, err := svc.Provision(context.Background(), a.ID)
	require.NoError(t, err)
	return w, svc, a
}

// With readiness optional at go-live, a participant whose check failed
// before go-live goes live; the nightly check of the live participant
// still fails. "a failing live participant is notified and staff see it."
func TestOptionalReadinessLiveFailureIsTold(t *testing.T) {
	ctx := context.Background()
	w, svc, a := failingParticipant(t)
	got, err := svc.CheckReadiness(ctx, a.ID)
	require.NoError(t, err)
	require.False(t, got.Readiness.Report.Ready)

	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err, "readiness is optional")

	w.clock.Advance(day + time.Minute)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, registry.StageLive, got.Stage)
	require.False(t, got.Readiness.Report.Ready)
	queue, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingReadinessFailed})
	require.NoError(t, err)
	assert.Len(t, queue, 1, "staff see it")
	told := w.notes.of(onboarding.MessageReadinessFailed, a.ID)
	assert.NotEmpty(t, told, "the live participant whose check fails is told")

	// The next night's failure, for the same details, is not told again.
	w.clock.Advance(day + time.Minute)
	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the check ran again")
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), len(told), "told once")
}

// A live participant told of its failing check is not told again at its
// next one, for the same details, whatever version of the engine stored
// the first: only a failure made before going live is marked untold.
func TestLiveFailureToldOnce(t *testing.T) {
	ctx := context.Background()
	w, svc, a := failingParticipant(t)
	_, err := svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	got, err := svc.CheckReadiness(ctx, a.ID) // live, starts failing: told
	require.NoError(t, err)
	require.False(t, got.Readiness.Untold, "a live failure is not untold")
	told := len(w.notes.of(onboarding.MessageReadinessFailed, a.ID))
	require.NotZero(t, told)

	w.clock.Advance(2 * time.Minute)
	_, err = svc.CheckReadiness(ctx, a.ID) // same details, still failing
	require.NoError(t, err)
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), told)
}
