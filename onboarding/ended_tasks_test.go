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

// An application that ends (withdrawn, rejected) waits on nothing more:
// the tasks it left open no longer read as open, to the applicant or to
// anyone, and say so (superseded); settled tasks keep their outcome.
func TestEndedApplicationLeavesNoTaskOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	otp := onlyTask(t, a, onboarding.KindOTP)
	require.Equal(t, onboarding.TaskOpen, otp.State)
	a, err = svc.Withdraw(ctx, a.ID, "applicant", "applying through the state scheme instead")
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, a.Stage)
	assert.Empty(t, a.OpenTasks())
	for _, task := range a.Tasks {
		if task.ID == otp.ID {
			assert.Equal(t, onboarding.TaskSuperseded, task.State)
		}
	}

	r, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	review := onlyTask(t, r, onboarding.KindReview)
	r, err = svc.Decide(ctx, r.ID, review.ID, onboarding.Decision{Approve: false, Reviewer: "staff:asha", Reason: "no mandate letter"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageRejected, r.Stage)
	assert.Empty(t, r.OpenTasks())
	for _, task := range r.Tasks {
		if task.ID == review.ID {
			assert.Equal(t, onboarding.TaskRejected, task.State, "a settled task keeps its outcome")
		}
	}
	require.NoError(t, svc.VerifyChain(ctx, r.ID))
}
