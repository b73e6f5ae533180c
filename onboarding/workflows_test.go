package onboarding_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestReadinessCheckOfEndedApplicationMakesNoCalls: a withdrawn (or rejected) application's
// readiness requests are refused before any call reaches its endpoint.
func TestReadinessCheckOfEndedApplicationMakesNoCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(7)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true}))
	var hits atomic.Int32
	a, _ := withDetails(t, w, svc, op, readinesstest.WithMiddleware(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			h.ServeHTTP(rw, r)
		})
	}))
	_, err := svc.Withdraw(ctx, a.ID, "applicant", "changed our mind")
	require.NoError(t, err)

	for range 5 {
		_, err = svc.RequestReadinessCheck(ctx, a.ID)
		require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	}
	require.Zero(t, hits.Load(), "a withdrawn application's endpoint was called %d times by 5 refused requests", hits.Load())
}

// TestDeclineAfterGoLiveSuspends: someone who tricked the facility manager out of
// HFR's code takes the application live within hours. The manager's
// decline, within the window, suspends the participant and tells staff.
func TestDeclineAfterGoLiveSuspends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, msgs := consentedHospital(t, w, svc)
	goLive(t, w, svc, a.ID, w.details("hcx.hijacked.example"))
	var err error

	w.clock.Advance(time.Hour) // well within the 7-day window
	_, err = svc.Decline(ctx, a.ID, msgs[0].Code, "we never asked to join the HCX")
	told := 0
	for _, m := range w.notes.of(onboarding.MessageReviewRequest, a.ID) {
		if strings.Contains(m.Subject, "declined") {
			told++
		}
	}
	cur, gerr := svc.Application(ctx, a.ID)
	require.NoError(t, gerr)
	require.True(t, err == nil || told > 0,
		"the manager's in-window decline was refused (%v), the participant is still %s, and staff were told %d times", err, cur.Status, told)
	require.Equal(t, hcxonboard.StatusBlocked, cur.Status, "suspended until staff decide")
	_, err = svc.Token(ctx, cur.Participant.ParticipantCode, "hcxs_anything")
	require.Error(t, err)
}

// TestSchedulerRechecksAWaitBeforeRejecting: a facility still in HFR's pipeline waits
// (await); HFR verifies it the next day. The scheduler asks HFR again
// before the wait runs out, and does not reject it.
func TestSchedulerRechecksAWaitBeforeRejecting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	seed := func(status string) hfrtest.FacilitySeed {
		return hfrtest.FacilitySeed{
			Facility: hfr.Facility{ID: "IN2910000778", Name: "Sanjeevani Multispeciality Hospital", Status: status,
				FacilityType: "Hospital", StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560034"},
			ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007778",
		}
	}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithRegistryWait(48*time.Hour))
	w.hfr.AddFacility(seed("Submitted"))
	app := w.application(verifier.CategoryABDMProvider)
	app.Identifiers.HFRID = "IN2910000778"
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	taskOf(t, a, onboarding.KindAwait)

	w.clock.Advance(24 * time.Hour)
	w.hfr.AddFacility(seed("Verified")) // HFR finishes its own process
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	w.clock.Advance(24 * time.Hour)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)

	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage,
		"rejected although HFR verified the facility a day before the wait ran out: %v", a.Reasons)
}

// TestRenewalReinstatesASuspensionAtExpiry: a participant the scheduler suspended for an
// expired certificate is reinstated when it registers a new one, as the
// notice says.
func TestRenewalReinstatesASuspensionAtExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) + time.Minute)
	_, err := svc.RunDue(ctx)
	require.NoError(t, err)
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status)
	staffBefore := len(w.notes.of(onboarding.MessageReviewRequest, a.ID)) + len(w.notes.of(onboarding.MessageCertificateExpired, a.ID))

	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.renewed.example")
	d.EncryptionCert = renewedCert(t, w.clock.Now())
	d.StepUpCode = w.notes.code(t, a.ID)
	got, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)

	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	var inQueue int
	for _, k := range []string{onboarding.KindReview, onboarding.KindApproval, onboarding.WaitingCertificateExpired, onboarding.WaitingReadinessFailed} {
		q, err := svc.Queue(ctx, registry.ApplicationFilter{Waiting: k})
		require.NoError(t, err)
		inQueue += len(q)
	}
	staffAfter := len(w.notes.of(onboarding.MessageReviewRequest, a.ID)) + len(w.notes.of(onboarding.MessageCertificateExpired, a.ID))
	require.True(t, got.Status == hcxonboard.StatusActive || inQueue > 0 || staffAfter > staffBefore,
		"renewed but still %s: %d applications in the staff queue, %d new staff messages", got.Status, inQueue, staffAfter-staffBefore)
}

// TestAmendVoidsTheOldFacilitysDeclineCode: an amendment that drops the facility first
// named voids its manager's decline code.
func TestAmendVoidsTheOldFacilitysDeclineCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first := w.application(verifier.CategoryABDMProvider)
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	msgs := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
	require.Len(t, msgs, 1)
	_, err = svc.SendBack(ctx, a.ID, "staff:asha", "hfr_id: this is not your facility; give your own registration")
	require.NoError(t, err)
	fixed := w.application(verifier.CategoryRohiniProvider)
	fixed.ApplicationID = first.ApplicationID
	a, err = svc.Amend(ctx, a.ID, fixed)
	require.NoError(t, err)
	require.Contains(t, []registry.Stage{registry.StageVerifying, registry.StageDetails}, a.Stage, "%v", a.Reasons)
	require.Empty(t, a.Submitted.Identifiers.HFRID)

	_, err = svc.Decline(ctx, a.ID, msgs[0].Code, "not our application")
	require.ErrorIs(t, err, onboarding.ErrInvalidOTP, "the first facility's manager rejected an application that no longer names its facility")
}

// TestFourEyesIgnoresTheSpellingOfAStaffID: the reviewer who approved the only review may
// not take the application live under another spelling of the same id.
func TestFourEyesIgnoresTheSpellingOfAStaffID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	_, err = svc.Decide(ctx, a.ID, onlyTask(t, a, onboarding.KindReview).ID,
		onboarding.Decision{Approve: true, Reviewer: "staff:asha@hcx.example", Reason: "registrar confirmed"})
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.regulator.example"))
	require.NoError(t, err)
	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:Asha@HCX.example"})
	require.ErrorIs(t, err, onboarding.ErrFourEyes)
}

// TestStaffSuspensionOutlivesACertificateRenewal is the refusing side of
// the reinstatement at renewal: a participant staff suspended stays
// suspended when it registers new certificates.
func TestStaffSuspensionOutlivesACertificateRenewal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	_, err := svc.Suspend(ctx, a.ID, "staff:ops", "claims fraud under investigation")
	require.NoError(t, err)
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d := w.details("hcx.renewed.example")
	d.EncryptionCert = renewedCert(t, w.clock.Now())
	d.StepUpCode = w.notes.code(t, a.ID)
	got, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	require.Equal(t, hcxonboard.StatusBlocked, got.Status)
}

// consentedHospital submits an ABDM hospital and confirms the code HFR
// sent its facility manager; it returns the application and the
// manager's intimation (with the decline code).
func consentedHospital(t *testing.T, w *world, svc *onboarding.Service) (*onboarding.Application, []onboarding.Message) {
	t.Helper()
	ctx := context.Background()
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	msgs := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
	require.Len(t, msgs, 1)
	code, ok := w.hfr.LastOTP(abdmFacility)
	require.True(t, ok)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	return a, msgs
}

// goLive takes an application in step 3 live with details d.
func goLive(t *testing.T, w *world, svc *onboarding.Service, id string, d onboarding.Details) {
	t.Helper()
	ctx := context.Background()
	_, err := svc.SubmitDetails(ctx, id, d)
	require.NoError(t, err)
	_, err = svc.Provision(ctx, id)
	require.NoError(t, err)
	_, err = svc.GoLive(ctx, id, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi"})
	require.NoError(t, err)
}
