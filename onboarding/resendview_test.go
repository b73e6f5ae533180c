package onboarding_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The resend allowance counted under a later UTC day
// stands on a replica whose clock still names the day before. The task
// view (ResendsLeft) must say so: it must not offer resends that
// ResendOTP then refuses.
func TestResendsLeftAgreesWithResendOnALaggingReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	untilMidnight(w, 5*time.Second)
	lagging := w.service(store)
	ahead := aheadOf(w, store)
	a, err := lagging.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP).ID
	for range onboarding.DefaultOTPResendsPerDay {
		_, err := ahead.ResendOTP(ctx, a.ID, task)
		require.NoError(t, err)
	}

	got, err := lagging.Application(ctx, a.ID)
	require.NoError(t, err)
	left := onlyTask(t, got, onboarding.KindOTP).ResendsLeft
	_, err = lagging.ResendOTP(ctx, a.ID, task)
	require.ErrorIs(t, err, onboarding.ErrTooManyResends, "the later day's allowance is spent")
	require.Zero(t, left, "the view offers %d resends that ResendOTP refuses", left)
}

// A new code the registry could not send is given back (see
// TestHFROutageWhileSendingTheOTP). On a lagging replica, whose resend
// now counts under the later day that stands, it must be given back too.
func TestFailedResendIsGivenBackOnALaggingReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	untilMidnight(w, 5*time.Second)
	lagging := w.service(store)
	ahead := aheadOf(w, store)
	a, err := lagging.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP).ID
	_, err = ahead.ResendOTP(ctx, a.ID, task) // one code sent, counted under the later day
	require.NoError(t, err)

	w.hfr.FailNext("/facility/sendOtpToContact", http.StatusServiceUnavailable, 1, "")
	_, err = lagging.ResendOTP(ctx, a.ID, task)
	require.ErrorIs(t, err, onboarding.ErrUnavailable)

	got, err := ahead.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, onboarding.DefaultOTPResendsPerDay-1, onlyTask(t, got, onboarding.KindOTP).ResendsLeft,
		"one code was sent; the one HFR did not send is not counted")
}
