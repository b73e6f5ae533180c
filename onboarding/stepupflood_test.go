package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A live participant's credential alone (no step-up code ever asked for)
// must not be able to grow the application's audit trail without bound:
// the onboarding codes stop writing once locked, step-up refusals should
// too.
func TestStepUpRefusalsDoNotGrowTheTrailWithoutBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)

	before, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	const calls = 200
	for range calls {
		_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
			Actor: "applicant", Reason: "guess", StepUpCode: "000000"})
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
	}
	after, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	added := len(after) - len(before)
	require.LessOrEqual(t, added, onboarding.DefaultOTPAttempts*(1+onboarding.DefaultOTPResendsPerDay),
		"%d refused step-ups with no code outstanding wrote %d audit events", calls, added)
}
