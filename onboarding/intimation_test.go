package onboarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestIntimationOutlivesAMailOutage checks that the facility manager's
// intimation — its one word of the attempt, carrying a decline code good
// for the decline window — is retried through an outage longer than a
// one-time code's life, and given up only with the decline window.
func TestIntimationOutlivesAMailOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("smtp: connection refused"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	kinds := func(state registry.OutboxState) map[string]bool {
		ms, err := store.ListOutbox(ctx, registry.OutboxFilter{State: state, ApplicationID: a.ID})
		require.NoError(t, err)
		out := map[string]bool{}
		for _, m := range ms {
			out[m.Kind] = true
		}
		return out
	}
	require.True(t, kinds(registry.OutboxPending)[onboarding.MessageHFRIntimation], "the intimation waits in the outbox")

	w.clock.Advance(onboarding.DefaultOTPTTL + time.Hour)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.False(t, kinds(registry.OutboxDead)[onboarding.MessageHFRIntimation], "given up with a one-time code's life")

	w.clock.Advance(onboarding.DefaultDeclineWindow)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.True(t, kinds(registry.OutboxDead)[onboarding.MessageHFRIntimation], "given up with the decline window")
}

// TestRetriedDeadLetterSendsNoStaleCode checks that a dead one-time code
// that staff put back is not sent after its lifetime: a stale code is
// never sent late.
func TestRetriedDeadLetterSendsNoStaleCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	w.notes.setFail(errors.New("sms gateway down"))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryTPA))
	require.NoError(t, err)
	w.clock.Advance(onboarding.DefaultOTPTTL + time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
	require.NoError(t, err)
	require.NotEmpty(t, dead)
	w.notes.setFail(nil)
	for _, m := range dead {
		require.ErrorIs(t, svc.RetryDeadLetter(ctx, m.ID), onboarding.ErrConflict, m.Kind)
	}
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Empty(t, w.notes.of(onboarding.MessageOTP, a.ID), "no code past its lifetime is sent")
	again, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
	require.NoError(t, err)
	require.Len(t, again, len(dead), "still dead, unsent")
}
