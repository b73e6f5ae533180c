package onboarding_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// heldSendHFR is the HFR client, except that while hold is set a request
// for a new OTP waits until release, then fails as an HFR outage.
type heldSendHFR struct {
	onboarding.FacilityOTP
	mu      sync.Mutex
	hold    bool
	asked   chan struct{}
	release chan struct{}
}

func (h *heldSendHFR) SendFacilityOTP(ctx context.Context, id string) (hfr.OTPTransaction, error) {
	h.mu.Lock()
	hold := h.hold
	h.hold = false
	h.mu.Unlock()
	if !hold {
		return h.FacilityOTP.SendFacilityOTP(ctx, id)
	}
	close(h.asked)
	<-h.release
	return hfr.OTPTransaction{}, fmt.Errorf("send facility OTP: %w", hfr.ErrUnavailable)
}

// A new HFR code asked for just before midnight (UTC) that HFR fails to
// send after midnight is given back to the day it was counted on: it
// does not free one of the new day's codes.
func TestResendGivenBackAfterMidnightLeavesNewDayAllowance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := w.clock.Now()
	midnight := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	w.clock.Advance(midnight.Add(-time.Minute).Sub(now))

	held := &heldSendHFR{FacilityOTP: w.hfrCli, asked: make(chan struct{}), release: make(chan struct{})}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(held))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)

	held.mu.Lock()
	held.hold = true
	held.mu.Unlock()
	failed := make(chan error, 1)
	go func() {
		_, err := svc.ResendOTP(ctx, a.ID, task.ID)
		failed <- err
	}()
	<-held.asked // counted on the old day; HFR has not answered

	w.clock.Advance(2 * time.Minute) // the new UTC day
	cur, err := svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	got, _ := cur.Task(task.ID)
	require.Equal(t, onboarding.DefaultOTPResendsPerDay-1, got.ResendsLeft)

	close(held.release)
	require.ErrorIs(t, <-failed, onboarding.ErrUnavailable)

	cur, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, _ = cur.Task(task.ID)
	assert.Equal(t, onboarding.DefaultOTPResendsPerDay-1, got.ResendsLeft,
		"the failed request was the old day's: the new day's code stays counted")
	sent := 1
	for ; sent <= onboarding.DefaultOTPResendsPerDay; sent++ {
		if _, err := svc.ResendOTP(ctx, a.ID, task.ID); err != nil {
			require.ErrorIs(t, err, onboarding.ErrTooManyResends)
			break
		}
	}
	assert.Equal(t, onboarding.DefaultOTPResendsPerDay, sent, "new codes HFR sent on the new day")
}
