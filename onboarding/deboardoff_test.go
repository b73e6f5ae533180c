package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// TestDeboardedParticipantGetsNoNewSecretBeforeTheSweep: once an announced
// de-boarding has taken effect the participant is off the network, though
// ProcessDeboardings has not run: RotateSecret must not mint it a fresh
// secret (refused like any other credential), nor Provision, nor may it
// change its details or be reinstated. A compromise report still goes
// through, and the sweep still de-boards it.
func TestDeboardedParticipantGetsNoNewSecretBeforeTheSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, creds := live(t, w, svc)

	_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX,
		Actor: "staff:ops", Reason: "repeated fraud findings"})
	require.NoError(t, err)
	// In the notice period the participant still rotates.
	creds, err = svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, 0)
	require.NoError(t, err)

	w.clock.Advance(onboarding.DefaultNoticePeriod + time.Minute) // in effect; no sweep yet
	fresh, err := svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, 0)
	require.Equal(t, onboarding.ErrInvalidCredentials, err,
		"a de-boarded participant was handed a new secret expiring %s", fresh.ExpiresAt.Format(time.RFC3339))
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "no step-up code to change its details")
	_, err = svc.Suspend(ctx, a.ID, "staff:ops", "fraud")
	require.NoError(t, err)
	_, err = svc.Reinstate(ctx, a.ID, "staff:ops", "mistake")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, "applicant", "laptop stolen"))
	_, err = svc.Provision(ctx, a.ID)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition, "no fresh secret after the report either")

	n, err := svc.ProcessDeboardings(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
