package onboarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A one-time code whose first send failed must not be delivered by a
// later dispatch pass once the code has expired: "a stale code is never
// sent late" (WithOutboxDeadAfter, RetryDeadLetter).
func TestOutboxDoesNotSendAnExpiredOTP(t *testing.T) {
	t.Parallel()
	expiredOTPNotSent(t, registry.NewMemoryStore())
}

func TestOutboxDoesNotSendAnExpiredOTPPostgres(t *testing.T) {
	t.Parallel()
	expiredOTPNotSent(t, postgresStore(t)(t))
}

func expiredOTPNotSent(t *testing.T, st registry.Store) {
	ctx := context.Background()
	w := newWorld(t)
	store := st.(registry.OutboxStore)
	svc := w.service(st)

	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
	require.NoError(t, err)
	require.NotEmpty(t, pending, "the OTP waits in the outbox")

	// The transport comes back only after the code's lifetime (the
	// dispatcher was down, or the backoff took it past the expiry).
	w.notes.setFail(nil)
	w.clock.Advance(onboarding.DefaultOTPTTL + time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)

	assert.Empty(t, w.notes.of(onboarding.MessageOTP, a.ID),
		"an OTP past its lifetime was delivered late by DispatchOutbox")
	dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
	require.NoError(t, err)
	require.Len(t, dead, 1, "the stale code's message is dead, not retried")
	assert.NotContains(t, dead[0].LastError, "code:")
}

// A code whose send failed goes out on the dispatcher's next pass while it
// is still the one the application accepts.
func TestOutboxSendsALiveCodeLate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	w.notes.setFail(nil)
	w.clock.Advance(time.Minute)
	n, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	otps := w.notes.of(onboarding.MessageOTP, a.ID)
	require.Len(t, otps, 1)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, otps[0].Code)
	require.NoError(t, err)
}

// A code superseded by ResendOTP must not be delivered after the new one:
// the applicant would get an invalid code last, and each try of it spends
// one of the task's attempts.
func TestOutboxDoesNotSendASupersededOTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)

	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)

	// The gateway is back; the applicant asks for a new code, which goes
	// out at once.
	w.notes.setFail(nil)
	w.clock.Advance(time.Minute)
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	newCode := w.notes.code(t, a.ID)

	// The dispatcher's next pass, well within the code lifetime.
	w.clock.Advance(2 * time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	otps := w.notes.of(onboarding.MessageOTP, a.ID)
	require.NotEmpty(t, otps)
	assert.Len(t, otps, 1, "the superseded code was delivered after the new one")
	assert.Equal(t, newCode, otps[len(otps)-1].Code, "the last code the applicant got is not the valid one")

	// The code the applicant received last does not work.
	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, otps[len(otps)-1].Code)
	assert.NoError(t, err, "the last code delivered is refused")
}
