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

// The day's allowance of new codes used up is said in the right number
// ("1 new code", not "1 new codes") with when the next may be asked for.
func TestResendAllowanceUsedUpSaysWhenAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithOTPPolicy(onboarding.OTPPolicy{ResendsPerDay: 1}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrTooManyResends)
	assert.Contains(t, err.Error(), "1 new code today")
	assert.Contains(t, err.Error(), "after midnight UTC")
}
