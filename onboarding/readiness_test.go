package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
		a, p := withDetails(t, w, svc, op, opts...)
		_, err := svc.Provision(ctx, a.ID)
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
	t.Run("a report made for other details does not count", func(t *testing.T) {
		a, _ := toCredentials(t)
		_, err := svc.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		// The details change after the passing check: new endpoint, new
		// keys, not yet checked.
		q := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
		_, err = svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: q.EndpointURL, EncryptionCert: q.EncryptionCert, SigningCertPath: q.SigningCert})
		require.NoError(t, err)
		_, err = svc.GoLive(ctx, a.ID, checklist)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
		assert.Contains(t, err.Error(), "other details")
	})
	t.Run("a report older than the age allowed does not count", func(t *testing.T) {
		aged := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, time.Hour),
			onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
		a, _ := withDetails(t, w, aged, op)
		_, err := aged.Provision(ctx, a.ID)
		require.NoError(t, err)
		_, err = aged.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		w.clock.Advance(2 * time.Hour)
		_, err = aged.GoLive(ctx, a.ID, checklist)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
		_, err = aged.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		_, err = aged.GoLive(ctx, a.ID, checklist)
		require.NoError(t, err, "a fresh report counts")
	})
	t.Run("a participant asks for checks at most once a minute", func(t *testing.T) {
		a, _ := toCredentials(t)
		_, err := svc.RequestReadinessCheck(ctx, a.ID)
		require.NoError(t, err)
		_, err = svc.RequestReadinessCheck(ctx, a.ID)
		var soon *onboarding.ReadinessTooSoonError
		require.ErrorAs(t, err, &soon)
		require.ErrorIs(t, err, onboarding.ErrTooSoon)
		assert.InDelta(t, onboarding.ReadinessCooldown.Seconds(), soon.RetryAfter.Seconds(), 1)

		// A burst after the cooldown runs one check.
		w.clock.Advance(onboarding.ReadinessCooldown)
		before, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		var wg sync.WaitGroup
		var ok, refused atomic.Int32
		for range 8 {
			wg.Go(func() {
				_, err := svc.RequestReadinessCheck(ctx, a.ID)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, onboarding.ErrTooSoon):
					refused.Add(1)
				default:
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), ok.Load())
		assert.Equal(t, int32(7), refused.Load())
		after, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		assert.Len(t, after, len(before)+1, "one check recorded")

		// Staff are not held to it, and their check does not hold the
		// participant back.
		_, err = svc.CheckReadiness(ctx, a.ID)
		require.NoError(t, err)
		_, err = svc.RequestReadinessCheck(ctx, a.ID)
		require.NoError(t, err)
	})
	_, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithReadiness(nil, true, 0))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
}

// withDetails takes a payer to step 3 on svc, its endpoint a participant
// handler trusting op (opts shape it), and returns the application and
// the participant.
func withDetails(t *testing.T, w *world, svc *onboarding.Service, op *readinesstest.Operator, opts ...readinesstest.Option) (*onboarding.Application, *readinesstest.Participant) {
	t.Helper()
	ctx := context.Background()
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	p := readinesstest.NewParticipant(t, op, append([]readinesstest.Option{readinesstest.WithCode(a.Participant.ParticipantCode)}, opts...)...)
	_, err = svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	return a, p
}
