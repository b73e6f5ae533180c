package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestDeclineOutlivesACertificateRenewal: a participant suspended at certificate expiry,
// whose facility manager then declines within the window, is not
// reinstated when a new certificate is registered: only staff lift that
// suspension.
func TestDeclineOutlivesACertificateRenewal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(),
		onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
	a, msgs := consentedHospital(t, w, svc)
	var err error
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	short, err := selfSigned(key, &key.PublicKey, w.clock.Now().Add(-time.Hour), w.clock.Now().Add(3*24*time.Hour))
	require.NoError(t, err)
	d := w.details("hcx.hijacked.example")
	d.EncryptionCert = short
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)

	w.clock.Advance(3*24*time.Hour + time.Minute) // the certificate expired; day 3 of the 7-day window
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status)

	_, declineErr := svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")

	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d.EncryptionCert = renewedCert(t, w.clock.Now())
	d.StepUpCode = w.notes.code(t, a.ID)
	got, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status,
		"the facility manager declined within the window (Decline: %v), yet a certificate renewal reinstated the participant", declineErr)
}

// TestDeclineOfASuspendedParticipantIsRecorded: the facility manager's in-window decline of a
// participant staff suspended is recorded (manager_declined), not an
// internal error.
func TestDeclineOfASuspendedParticipantIsRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, msgs := consentedHospital(t, w, svc)
	goLive(t, w, svc, a.ID, w.details("hcx.hijacked.example"))
	var err error
	_, err = svc.Suspend(ctx, a.ID, "staff:ops", "odd claims traffic")
	require.NoError(t, err)

	w.clock.Advance(time.Hour)
	_, err = svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")
	require.NoError(t, err, "the manager's in-window decline of a suspended participant")
}

// TestRejectionReasonHidesTheOtherHPRForm: under HPR API-only checking, an applicant who
// typed a professional's HPR address is rejected without the reason
// naming her HPR number.
func TestRejectionReasonHidesTheOtherHPRForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w)

	first, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner)) // hprNumber
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, first.Stage, "reasons: %v", first.Reasons)

	second := w.application(verifier.CategoryABDMPractitioner)
	second.Identifiers.HPRID = "asha.rao@hpr.abdm"
	second.PrimaryEmail, second.PrimaryMobile = "someone@else.example", "9811100000"
	got, err := svc.Submit(ctx, second)
	require.NoError(t, err)
	require.Equal(t, registry.StageRejected, got.Stage)
	for _, res := range got.Report.Requirements {
		require.Empty(t, res.Claims) // the report hides it …
	}
	require.NotContains(t, strings.Join(got.Reasons, "\n"), hprNumber, "… the rejection reason names it")
}

// TestRecheckRejectsWithoutIdentityDisputes: without WithIdentityDisputes, a recheck that
// learns a form of the HPR id another participant holds rejects the
// application, as Submit does, instead of queueing a dispute.
func TestRecheckRejectsWithoutIdentityDisputes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := apiOnlyService(t, w, onboarding.WithIdentityDisputes(false))

	const address = "asha.rao@hpr.abdm"
	w.hfr.FailNext(hprNumber, http.StatusServiceUnavailable, 1, "")
	holder, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner)) // the real professional
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, holder.Stage)

	w.hfr.FailNext(address, http.StatusServiceUnavailable, 1, "")
	other := w.application(verifier.CategoryABDMPractitioner)
	other.Identifiers.HPRID = address
	other.PrimaryEmail, other.PrimaryMobile = "someone@else.example", "9811100000"
	b, err := svc.Submit(ctx, other)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage)

	b, err = svc.Recheck(ctx, b.ID)
	require.NoError(t, err)
	for _, tk := range b.OpenTasks() {
		require.NotEqual(t, onboarding.RequirementIdentityDispute, tk.Requirement,
			"identity disputes are off, yet the recheck queued one against the holder: %s", tk.Message)
	}
	require.Equal(t, registry.StageRejected, b.Stage, "as Submit would have")
}
