package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Go-live waits on a readiness check that proves the endpoint reaches the
// participant's software and that it holds the keys it registered.
func TestReadinessGatesGoLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(7)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))

	toCredentials := func(t *testing.T, opts ...readinesstest.Option) (*onboarding.Application, *readinesstest.Participant) {
		t.Helper()
		a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
		require.NoError(t, err)
		_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
		require.NoError(t, err)
		p := readinesstest.NewParticipant(t, op, append([]readinesstest.Option{readinesstest.WithCode(a.Participant.ParticipantCode)}, opts...)...)
		_, err = svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
		require.NoError(t, err)
		_, err = svc.Provision(ctx, a.ID)
		require.NoError(t, err)
		return a, p
	}
	checklist := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"}

	t.Run("a ready participant goes live", func(t *testing.T) {
		a, _ := toCredentials(t)
		_, err := svc.GoLive(ctx, a.ID, checklist)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
		assert.Contains(t, err.Error(), "readiness was not checked")
		a, err = svc.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		require.NotNil(t, a.Readiness)
		require.True(t, a.Readiness.Report.Ready, a.Readiness.Report.Summary())
		a, err = svc.GoLive(ctx, a.ID, checklist)
		require.NoError(t, err)
		assert.Equal(t, registry.StageLive, a.Stage)
		events, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		assert.Contains(t, actions(events), onboarding.ActionReadinessChecked)
	})
	t.Run("a participant without the registered key does not", func(t *testing.T) {
		other := readinesstest.RSAKey(1)
		a, _ := toCredentials(t, readinesstest.WithHandlerKeys(participant.Keys{Encryption: other, Signing: other}))
		a, err := svc.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		assert.False(t, a.Readiness.Report.Ready)
		_, err = svc.GoLive(ctx, a.ID, checklist)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
		assert.Contains(t, err.Error(), "wrong_key")
	})
	_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithReadiness(nil, true, 0))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}
