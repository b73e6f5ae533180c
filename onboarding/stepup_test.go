package onboarding_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// TestStepUpGuessesAreBoundedADay checks that asking for new step-up codes
// brings no more guesses than the onboarding codes allow in a day —
// Attempts × (1 + ResendsPerDay) — so that a stolen participant credential
// cannot ask for codes until one is guessed; and that the next UTC day
// brings a new allowance.
func TestStepUpGuessesAreBoundedADay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)

	wrong, sent := 0, 0
	for round := range 20 {
		_, err := svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
		if err != nil {
			require.ErrorIs(t, err, onboarding.ErrTooManyResends)
			break
		}
		sent++
		right := w.notes.code(t, a.ID)
		for i := range onboarding.DefaultOTPAttempts {
			guess := fmt.Sprintf("%06d", round*onboarding.DefaultOTPAttempts+i)
			if guess == right {
				continue
			}
			_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
				Actor: "applicant", Reason: "guess", StepUpCode: guess})
			require.ErrorIs(t, err, onboarding.ErrInvalidOTP)
			wrong++
		}
	}
	require.Equal(t, 1+onboarding.DefaultOTPResendsPerDay, sent, "codes sent in a day")
	require.LessOrEqual(t, wrong, onboarding.DefaultOTPAttempts*(1+onboarding.DefaultOTPResendsPerDay))
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusActive, cur.Status)

	// A new day, a new allowance: the participant can still step up.
	w.clock.Advance(24 * time.Hour)
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
	require.NoError(t, err)
	_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
		Actor: "applicant", Reason: "closing", StepUpCode: w.notes.code(t, a.ID)})
	require.NoError(t, err)
}
