package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The person who approved an application's review may not also take it
// live; another person may, and the audit actor is whoever did.
func TestFourEyesAtGoLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	reviewed := func(t *testing.T, svc *onboarding.Service) *onboarding.Application {
		t.Helper()
		a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		_, err = svc.Decide(ctx, a.ID, onlyTask(t, a, onboarding.KindReview).ID,
			onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "registrar confirmed"})
		require.NoError(t, err)
		_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.regulator.example"))
		require.NoError(t, err)
		_, err = svc.Provision(ctx, a.ID)
		require.NoError(t, err)
		return a
	}
	checklist := func(by string) onboarding.Checklist {
		return onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: by, Note: "pilot with two payers"}
	}

	svc := w.service(registry.NewMemoryStore())
	a := reviewed(t, svc)
	_, err := svc.GoLive(ctx, a.ID, checklist("staff:asha"))
	require.ErrorIs(t, err, onboarding.ErrFourEyes)
	assert.Contains(t, err.Error(), "staff:asha approved task")
	live, err := svc.GoLive(ctx, a.ID, checklist("staff:ravi"))
	require.NoError(t, err)
	assert.Equal(t, registry.StageLive, live.Stage)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, "staff:ravi", last.Actor)
	assert.Contains(t, last.Reason, "pilot with two payers")

	solo := w.service(registry.NewMemoryStore(), onboarding.WithFourEyes(false))
	b := reviewed(t, solo)
	_, err = solo.GoLive(ctx, b.ID, checklist("staff:asha"))
	require.NoError(t, err, "one person may do both where the operator says so")
}
