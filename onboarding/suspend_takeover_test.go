package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// suspendedAtExpiry takes a participant live under
// SuspendAtCertificateExpiry and lets its certificate expire: the
// scheduler suspends it.
func suspendedAtExpiry(t *testing.T) (*world, *onboarding.Service, *onboarding.Application) {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(),
		onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	require.False(t, a.SuspendedAtExpiry)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) + time.Minute)
	_, err := svc.RunDue(ctx)
	require.NoError(t, err)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, a.Status)
	require.True(t, a.SuspendedAtExpiry, "the scheduler's suspension shows as such")
	require.Len(t, w.notes.of(onboarding.MessageSuspended, a.ID), 1)
	return w, svc, a
}

// renewCertificates registers a valid encryption certificate for a live
// participant, behind a step-up code.
func renewCertificates(t *testing.T, w *world, svc *onboarding.Service, id string) *onboarding.Application {
	t.Helper()
	ctx := context.Background()
	_, err := svc.RequestStepUp(ctx, id, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.renewed.example")
	d.EncryptionCert = renewedCert(t, w.clock.Now())
	d.StepUpCode = w.notes.code(t, id)
	got, err := svc.SubmitDetails(ctx, id, d)
	require.NoError(t, err)
	return got
}

// Staff who suspend a participant the scheduler suspended at certificate
// expiry take the suspension over: it is recorded as theirs, the
// participant is told, new certificates no longer end it, and only staff
// reinstating it do.
func TestSuspendTakesOverASuspensionAtExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, svc, a := suspendedAtExpiry(t)

	got, err := svc.Suspend(ctx, a.ID, "staff:ops", "claims fraud under investigation")
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status)
	assert.False(t, got.SuspendedAtExpiry, "the suspension is staff's now")
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, onboarding.ActionSuspendTakeover, last.Action)
	assert.Equal(t, "staff:ops", last.Actor)
	assert.Equal(t, "claims fraud under investigation", last.Reason)
	assert.Equal(t, string(hcxonboard.StatusBlocked), last.From)
	assert.Equal(t, string(hcxonboard.StatusBlocked), last.To)
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
	told := w.notes.of(onboarding.MessageSuspended, a.ID)
	require.Len(t, told, 2, "the participant is told the suspension is staff's")
	assert.Contains(t, told[1].Body, "claims fraud under investigation")
	assert.Contains(t, told[1].Body, "no longer ends")

	_, err = svc.Suspend(ctx, a.ID, "staff:ops", "again")
	var te *onboarding.TransitionError
	require.ErrorAs(t, err, &te, "staff's suspension is not taken over twice")
	assert.Contains(t, te.Reason, "already suspended")

	got = renewCertificates(t, w, svc, a.ID)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status, "new certificates do not end staff's suspension")
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status)
	assert.Empty(t, w.notes.of(onboarding.MessageReinstated, a.ID))

	got, err = svc.Reinstate(ctx, a.ID, "staff:ops", "investigation closed")
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status)
	assert.False(t, got.SuspendedAtExpiry)
}

// A participant staff suspended, or the facility manager's decline did,
// is not suspended again: the refusal says it is suspended already.
func TestSuspendRefusesAParticipantSuspendedOtherwise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	refused := func(t *testing.T, svc *onboarding.Service, id string) {
		t.Helper()
		_, err := svc.Suspend(ctx, id, "staff:ops", "claims fraud under investigation")
		var te *onboarding.TransitionError
		require.ErrorAs(t, err, &te)
		assert.True(t, errors.Is(err, onboarding.ErrIllegalTransition))
		assert.Equal(t, onboarding.ActionSuspend, te.Action)
		assert.Equal(t, string(hcxonboard.StatusBlocked), te.From)
		assert.Contains(t, te.Reason, "already suspended")
		assert.Contains(t, te.Reason, "staff")
		assert.Contains(t, te.Reason, "decline")
	}

	t.Run("by staff", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore(),
			onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
		a, _ := live(t, w, svc)
		_, err := svc.Suspend(ctx, a.ID, "staff:ops", "SLA breach")
		require.NoError(t, err)
		refused(t, svc, a.ID)
	})

	t.Run("by the manager's decline of a live participant", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore())
		a, msgs := consentedHospital(t, w, svc)
		goLive(t, w, svc, a.ID, w.details("hcx.hijacked.example"))
		_, err := svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")
		require.NoError(t, err)
		got, err := svc.Application(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, hcxonboard.StatusBlocked, got.Status)
		refused(t, svc, a.ID)
	})

	t.Run("by the manager's decline after the scheduler's", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		svc := w.service(registry.NewMemoryStore(),
			onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
		a, msgs := consentedHospital(t, w, svc)
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		short, err := selfSigned(key, &key.PublicKey, w.clock.Now().Add(-time.Hour), w.clock.Now().Add(3*24*time.Hour))
		require.NoError(t, err)
		d := w.details("hcx.hijacked.example")
		d.EncryptionCert = short
		goLive(t, w, svc, a.ID, d)
		w.clock.Advance(3*24*time.Hour + time.Minute) // expired, within the decline window
		_, err = svc.RunDue(ctx)
		require.NoError(t, err)
		got, err := svc.Application(ctx, a.ID)
		require.NoError(t, err)
		require.True(t, got.SuspendedAtExpiry)
		_, err = svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")
		require.NoError(t, err)
		got, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, hcxonboard.StatusBlocked, got.Status)
		require.False(t, got.SuspendedAtExpiry, "the decline made the suspension one only staff end")
		refused(t, svc, a.ID)
	})
}

// Without staff's takeover, new certificates still end the scheduler's
// suspension, and the view no longer shows one.
func TestRenewalStillEndsAnUntakenSuspensionAtExpiry(t *testing.T) {
	t.Parallel()
	w, svc, a := suspendedAtExpiry(t)
	got := renewCertificates(t, w, svc, a.ID)
	assert.Equal(t, hcxonboard.StatusActive, got.Status)
	assert.False(t, got.SuspendedAtExpiry)
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReinstated, a.ID))
}
