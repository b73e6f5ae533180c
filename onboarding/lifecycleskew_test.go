package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// aheadOf is a replica on store whose clock runs ten seconds ahead of the
// world's: across a UTC midnight, it names the next day first.
func aheadOf(w *world, store registry.Store) *onboarding.Service {
	return w.service(store, onboarding.WithClock(func() time.Time { return w.clock.Now().Add(10 * time.Second) }))
}

// untilMidnight moves the world clock to just before the next UTC midnight.
func untilMidnight(w *world, before time.Duration) {
	now := w.clock.Now()
	next := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	w.clock.Advance(next.Sub(now) - before)
}

// TestAppealAfterTheNoticePeriodDoesNotStopADeboarding: a regulator-initiated
// de-boarding is announced with a notice period; the participant may appeal
// "during the notice period, after which ProcessDeboardings makes it
// Inactive". Once the effective date has passed, an appeal no longer
// stops it, though the sweep has not run yet.
func TestAppealAfterTheNoticePeriodDoesNotStopADeboarding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const notice = 30 * 24 * time.Hour
	clk := newClock()
	svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice), onboarding.WithClock(clk.Now))
	a, _ := live(t, w, svc)
	a, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
	require.NoError(t, err)

	clk.Advance(notice + time.Hour) // the notice period is over; the sweep has not run yet
	_, err = svc.Appeal(ctx, a.ID, "ceo", "late appeal")
	require.Error(t, err, "an appeal after the effective date must not stop the de-boarding")

	n, err := svc.ProcessDeboardings(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the regulator's de-boarding takes effect")
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusInactive, a.Status)
}

// TestStepUpDailyLimitHoldsAcrossSkewedReplicas: RequestStepUp allows
// 1+ResendsPerDay codes per UTC day. Two replicas whose clocks straddle
// UTC midnight by a few seconds (or one clock stepped back) must not
// start the day afresh on every alternate call: the daily bound on
// step-up codes, hence on guesses, holds.
func TestStepUpDailyLimitHoldsAcrossSkewedReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svcA := w.service(store)
	a, _ := live(t, w, svcA)
	untilMidnight(w, 5*time.Second)
	svcB := aheadOf(w, store)

	sent := 0
	for i := range 40 {
		svc := []*onboarding.Service{svcA, svcB}[i%2]
		if _, err := svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard); err == nil {
			sent++
		} else {
			require.ErrorIs(t, err, onboarding.ErrTooManyResends)
		}
	}
	// At most one day's allowance per UTC day the two clocks name.
	require.LessOrEqual(t, sent, 2*(1+onboarding.DefaultOTPResendsPerDay), "step-up codes sent")
}

// TestResendLimitHoldsAcrossSkewedReplicas: the same for ResendOTP of
// an onboarding code: each new code brings DefaultOTPAttempts fresh guesses,
// so the per-day resend bound is what bounds guessing.
func TestResendLimitHoldsAcrossSkewedReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	untilMidnight(w, 5*time.Second)
	svcA := w.service(store)
	svcB := aheadOf(w, store)
	a, err := svcA.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP).ID

	resent := 0
	for i := range 40 {
		svc := []*onboarding.Service{svcA, svcB}[i%2]
		if _, err := svc.ResendOTP(ctx, a.ID, task); err == nil {
			resent++
		} else {
			require.ErrorIs(t, err, onboarding.ErrTooManyResends)
		}
	}
	require.LessOrEqual(t, resent, 2*onboarding.DefaultOTPResendsPerDay, "new codes sent")
}
