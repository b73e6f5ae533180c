package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
)

// A live participant that changes its endpoint or certificates is
// checked again by the next scheduler pass, not only at the nightly
// check: here the new endpoint decrypts with a key that is not the new
// certificate's, and the participant and staff hear of it at once.
func TestLiveDetailsChangeIsCheckedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))

	a, _ := withDetails(t, w, svc, op)
	_, err := svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.CheckReadiness(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due the day it went live")

	// The new endpoint's handler decrypts with key 2; the new encryption
	// certificate is key 3's.
	q := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode),
		readinesstest.WithRegisteredKeys(3, 1),
		readinesstest.WithHandlerKeys(participant.Keys{Encryption: readinesstest.RSAKey(2), Signing: readinesstest.RSAKey(1)}))
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: q.EndpointURL, EncryptionCert: q.EncryptionCert,
		SigningCertPath: q.SigningCert, StepUpCode: w.notes.code(t, a.ID)})
	require.NoError(t, err)
	assert.False(t, dueAt(t, store, a.ID).After(w.clock.Now()), "changed details are due for a check at once")

	n, err = svc.RunDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Readiness)
	require.False(t, got.Readiness.Report.Ready)
	assert.Equal(t, q.EndpointURL, got.Readiness.Report.EndpointURL, "the new details were checked")
	res, ok := got.Readiness.Report.Result(readiness.CheckEncryptionKey)
	require.True(t, ok)
	assert.Equal(t, readiness.ProblemWrongKey, res.Problem)
	assert.Len(t, w.notes.of(onboarding.MessageReadinessFailed, a.ID), 2, "the participant and staff are told")
	queue, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: onboarding.WaitingReadinessFailed})
	require.NoError(t, err)
	require.Len(t, queue, 1, "staff see it")
	assert.Equal(t, a.ID, queue[0].ID)
}
