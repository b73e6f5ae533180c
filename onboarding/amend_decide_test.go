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

// An application sent back waits on its applicant's amendment: staff
// cannot decide that task for the applicant, and are told who settles it
// and how — not that the checks settle it.
func TestStaffCannotDecideAnAmendment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryRegulator)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	a, err = svc.SendBack(ctx, a.ID, "staff:asha", "name the registrar who signs for you")
	require.NoError(t, err)
	amend := taskOf(t, a, onboarding.KindAmend)
	for _, approve := range []bool{true, false} {
		_, err = svc.Decide(ctx, a.ID, amend.ID, onboarding.Decision{Approve: approve, Reviewer: "staff:ravi", Reason: "done on the phone"})
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
		assert.Contains(t, err.Error(), "the applicant settles it by amending", "the refusal says who settles it")
		assert.NotContains(t, err.Error(), "registry")
	}
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, got.Stage)
	still, ok := got.Task(amend.ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskOpen, still.State)

	// The amendment settles it.
	a, err = svc.Amend(ctx, a.ID, app)
	require.NoError(t, err)
	done, ok := a.Task(amend.ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskDone, done.State)
}
