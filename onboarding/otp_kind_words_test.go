package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Asking for a code on a task that takes none says what the task is.
func TestResendOnAnotherKindOfTaskSaysWhich(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	review := taskOf(t, a, onboarding.KindReview)
	_, err = svc.ResendOTP(ctx, a.ID, review.ID)
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	require.ErrorContains(t, err, "it is a review task, not a one-time code")
}
