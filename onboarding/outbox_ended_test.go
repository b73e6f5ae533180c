package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A message that waited in the outbox through an outage goes out only
// while its application can still use it: after a withdrawal, a one-time
// code and a payer's approval request are dead, not sent late.
func TestEndedApplicationsRequestsAreNotSentLate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		category verifier.Category
		kind     string
	}{{verifier.CategoryPayer, onboarding.MessageOTP}, {verifier.CategoryEmpanelledProvider, onboarding.MessageApprovalRequest}} {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			store := registry.NewMemoryStore()
			svc := w.service(store)

			w.notes.setFail(errors.New("smtp: connection refused"))
			app := w.application(c.category)
			if app.Empanelment != nil {
				app.Empanelment.Proof = "" // the payer is asked
			}
			a, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
			require.NoError(t, err)
			require.NotEmpty(t, pending, "the message waits in the outbox")

			_, err = svc.Withdraw(ctx, a.ID, "applicant", "we applied by mistake")
			require.NoError(t, err)

			w.notes.setFail(nil)
			w.clock.Advance(2 * time.Minute) // past the backoff, well within a code's lifetime
			_, err = svc.DispatchOutbox(ctx)
			require.NoError(t, err)
			assert.Empty(t, w.notes.of(c.kind, a.ID), "sent after the withdrawal")
			dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
			require.NoError(t, err)
			require.NotEmpty(t, dead)
			for _, m := range dead {
				assert.Equal(t, c.kind, m.Kind)
				assert.NotContains(t, m.LastError, "refused", "the dead letter says why it was not sent, not the old outage")
			}
		})
	}
}

// The staff's alert that a facility manager declined an onboarding is
// written with the rejection it causes: an outage at its first send
// delays it, and it goes out once the outage is over.
func TestDeclineAlertToStaffGoesOutAfterAnOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store)
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	intim := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
	require.Len(t, intim, 1)

	w.notes.setFail(errors.New("smtp: connection refused"))
	got, err := svc.Decline(ctx, a.ID, intim[0].Code, "we never asked to join the HCX")
	require.NoError(t, err)
	require.Equal(t, registry.StageRejected, got.Stage)

	w.notes.setFail(nil)
	w.clock.Advance(2 * time.Minute) // past the backoff
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	alerts := 0
	for _, m := range w.notes.of(onboarding.MessageReviewRequest, a.ID) {
		if strings.Contains(m.Subject, "declined") {
			alerts++
		}
	}
	assert.Equal(t, 1, alerts, "staff are told the manager declined, once the outage is over")
}

// permanentError is a transport's refusal that sending again cannot
// change, as notify/email's SendError (a 5xx) and notify/webhook's
// DeliveryError (a final 4xx) report it.
type permanentError struct{ permanent bool }

func (e permanentError) Error() string   { return "refused" }
func (e permanentError) Permanent() bool { return e.permanent }

// A message whose transport refuses it for good is a dead letter at once,
// for staff to see; one refused for now is tried again later.
func TestPermanentRefusalIsADeadLetterAtOnce(t *testing.T) {
	t.Parallel()
	for _, permanent := range []bool{true, false} {
		ctx := context.Background()
		w := newWorld(t)
		store := registry.NewMemoryStore()
		svc := w.service(store)
		w.notes.setFail(permanentError{permanent})
		a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
		pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
		require.NoError(t, err)
		dead, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxDead, ApplicationID: a.ID})
		require.NoError(t, err)
		if permanent {
			assert.Empty(t, pending, "refused for good")
			assert.NotEmpty(t, dead)
		} else {
			assert.NotEmpty(t, pending, "refused for now: tried again")
			assert.Empty(t, dead)
		}
	}
}
