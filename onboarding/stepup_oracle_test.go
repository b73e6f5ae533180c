package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A refused step-up says nothing of why: a caller holding the participant's
// credential but not the admin's code cannot tell a wrong code from an
// expired one, or from none asked for, by the answer or by the work done
// (each refusal is checked against a hash and recorded in one write).
func TestStepUpRefusalsAreAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name  string
		setup func(t *testing.T, w *world, svc *onboarding.Service, id string) string // returns the code to send
	}{
		{"no code asked for", func(t *testing.T, w *world, svc *onboarding.Service, id string) string { return "123456" }},
		{"a code asked for another change", func(t *testing.T, w *world, svc *onboarding.Service, id string) string {
			_, err := svc.RequestStepUp(ctx, id, onboarding.StepUpDetails)
			require.NoError(t, err)
			return w.notes.code(t, id)
		}},
		{"a wrong code", func(t *testing.T, w *world, svc *onboarding.Service, id string) string {
			_, err := svc.RequestStepUp(ctx, id, onboarding.StepUpDeboard)
			require.NoError(t, err)
			if w.notes.code(t, id) == "123456" {
				return "654321"
			}
			return "123456"
		}},
		{"an expired code", func(t *testing.T, w *world, svc *onboarding.Service, id string) string {
			_, err := svc.RequestStepUp(ctx, id, onboarding.StepUpDeboard)
			require.NoError(t, err)
			code := w.notes.code(t, id)
			w.clock.Advance(onboarding.DefaultOTPTTL + time.Second)
			return code
		}},
		{"a malformed code", func(t *testing.T, w *world, svc *onboarding.Service, id string) string {
			_, err := svc.RequestStepUp(ctx, id, onboarding.StepUpDeboard)
			require.NoError(t, err)
			return "12ab"
		}},
	}
	answers := map[string]string{}
	for _, tc := range cases {
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore())
		a, _ := live(t, w, svc)
		code := tc.setup(t, w, svc, a.ID)
		before, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
			Actor: "applicant", Reason: "leaving", StepUpCode: code})
		require.ErrorIs(t, err, onboarding.ErrInvalidOTP, tc.name)
		answers[tc.name] = err.Error()
		after, err := svc.Events(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, len(before)+1, len(after), "%s: one write, one event", tc.name)
		require.Equal(t, onboarding.ActionStepUpFailed, after[len(after)-1].Action, tc.name)
	}
	for name, answer := range answers {
		require.Equal(t, answers["a wrong code"], answer, "%s is told apart from a wrong code", name)
	}
}

// Refusals recorded in a day are bounded as the guesses are; past the
// bound every step-up of the day is refused alike, unchecked and unwritten,
// the right code too, since a wrong one could no longer be counted.
func TestStepUpRefusalsPastTheDailyBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	deboard := func(code string) error {
		_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
			Actor: "applicant", Reason: "leaving", StepUpCode: code})
		return err
	}
	bound := onboarding.DefaultOTPAttempts * (1 + onboarding.DefaultOTPResendsPerDay)
	for range bound {
		require.ErrorIs(t, deboard("000000"), onboarding.ErrInvalidOTP)
	}
	before, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
	require.NoError(t, err)
	right := w.notes.code(t, a.ID)
	refused := deboard(right)
	require.ErrorIs(t, refused, onboarding.ErrInvalidOTP)
	wrong := deboard("000000")
	require.ErrorIs(t, wrong, onboarding.ErrInvalidOTP)
	require.Equal(t, wrong.Error(), refused.Error(), "the bound is not told apart from a wrong code")
	after, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, len(before)+1, len(after), "only the code's sending was written")

	w.clock.Advance(24 * time.Hour)
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
	require.NoError(t, err)
	require.NoError(t, deboard(w.notes.code(t, a.ID)))
}
