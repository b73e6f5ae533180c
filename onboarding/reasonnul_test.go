package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestReasonWithNULIsRefusedOnEveryStore: a NUL is valid UTF-8 but no
// PostgreSQL text can hold it. A reason holding one is refused up front
// (ErrInvalidArgument) on every store, rather than stored by some and
// failing with a driver error on PostgreSQL.
func TestReasonWithNULIsRefusedOnEveryStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "changed\x00our mind")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "changed our mind\nafter all")
	require.NoError(t, err, "other text, a new line included, is a reason")
}
