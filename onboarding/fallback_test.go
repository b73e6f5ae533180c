package onboarding_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A facility whose manager has no mobile in HFR cannot get HFR's OTP: the
// task is superseded by a staff review instead of waiting for ever.
func TestFacilityWithoutManagerMobileGoesToReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMProvider)
	app.Identifiers.HFRID = "IN0710000321" // hfrtest: no manager mobile on record
	// The application says what HFR holds, so only the manager's OTP waits.
	app.ParticipantName, app.Roles = "Capital Diagnostics and Imaging", []hcxonboard.Role{hcxonboard.RoleDiagnostics}
	app.Address = &hcxonboard.Address{District: "South Delhi", State: "Delhi", Pincode: "110016"}
	app.SandboxCertificate = w.certificate(app.Roles...)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage)

	review := onlyTask(t, a, onboarding.KindReview)
	assert.Equal(t, verifier.ReqHFRManagerOTP, review.Requirement)
	var superseded onboarding.Task
	for _, task := range a.Tasks {
		if task.Kind == onboarding.KindOTP {
			superseded = task
		}
	}
	assert.Equal(t, onboarding.TaskSuperseded, superseded.State)
	_, err = svc.ConfirmOTP(ctx, a.ID, superseded.ID, "123456")
	require.ErrorIs(t, err, onboarding.ErrIllegalTransition)
	intimations := w.notes.of(onboarding.MessageHFRIntimation, a.ID)
	require.Len(t, intimations, 1, "the manager is still told, by the contact HFR holds")
	assert.Contains(t, intimations[0].Body, "will contact you")
	assert.NotEmpty(t, w.notes.of(onboarding.MessageReviewRequest, a.ID))

	a, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: true, Reviewer: "staff-3", Reason: "manager confirmed by phone"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.Contains(t, actions(events), onboarding.ActionOTPUnavailable)
}

// An HFR outage while sending the OTP leaves the task open; a new request
// sends it.
func TestHFROutageWhileSendingTheOTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	w.hfr.FailNext("/facility/sendOtpToContact", http.StatusServiceUnavailable, 1, "")
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	assert.True(t, task.ExpiresAt.IsZero(), "no code is out")
	_, sent := w.hfr.LastOTP(abdmFacility)
	assert.False(t, sent)
	assert.Contains(t, w.logs.String(), "HFR OTP not sent")

	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, "123456")
	require.ErrorIs(t, err, onboarding.ErrOTPExpired, "there is no code to confirm yet")

	w.hfr.FailNext("/facility/sendOtpToContact", http.StatusServiceUnavailable, 1, "")
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrUnavailable)
	cur, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, _ := cur.Task(task.ID)
	assert.Equal(t, onboarding.DefaultOTPResendsPerDay, got.ResendsLeft, "a send HFR did not make is not counted")

	cur, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.NoError(t, err)
	got, _ = cur.Task(task.ID)
	assert.Equal(t, onboarding.DefaultOTPResendsPerDay-1, got.ResendsLeft)
	assert.Len(t, w.notes.of(onboarding.MessageHFRIntimation, a.ID), 1, "told once")
	code, ok := w.hfr.LastOTP(abdmFacility)
	require.True(t, ok)
	cur, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, cur.Stage)
}

// The sandbox operator's keys are unreachable: the certificate requirement
// waits on a retry and Recheck settles it; nothing is rejected meanwhile.
func TestSandboxKeysUnavailableIsRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var down atomic.Bool
	down.Store(true)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		if down.Load() {
			rw.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		set, err := w.issuer.PublicJWKS()
		if err != nil {
			rw.WriteHeader(http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(rw).Encode(set)
	}))
	t.Cleanup(srv.Close)
	list, err := sandbox.NewTrustList(sandbox.TrustedIssuer{ID: sandboxIssuer, Roles: hcxonboard.Roles(), JWKSURL: srv.URL + "/jwks.json"})
	require.NoError(t, err)
	remote, err := sandbox.NewVerifier(sandbox.WithTrustList(list), sandbox.WithHTTPClient(srv.Client()), sandbox.WithClock(w.clock.Now))
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSandbox(remote))

	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "an unreachable key set never rejects")
	retry := onlyTask(t, a, onboarding.KindRetry)
	assert.Equal(t, verifier.ReqSandboxCertificate, retry.Requirement)
	assert.Equal(t, verifier.Pending, a.Sandbox.Outcome)

	down.Store(false)
	w.clock.Advance(time.Minute)
	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
	assert.True(t, a.Sandbox.Trusted)
	got, _ := a.Task(retry.ID)
	assert.Equal(t, onboarding.TaskDone, got.State)
}

// Without a trust list the certificate's signature cannot be checked:
// staff confirm the issuer.
func TestSandboxWithoutTrustListNeedsReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	bare, err := sandbox.NewVerifier()
	require.NoError(t, err)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSandbox(bare))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	review := onlyTask(t, a, onboarding.KindReview)
	assert.Equal(t, verifier.ReqSandboxCertificate, review.Requirement)
	assert.False(t, a.Sandbox.Trusted)
	a, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: true, Reviewer: "staff-1", Reason: "issuer confirmed"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
}

// A notifier failure does not undo or fail the change it reports; it is
// logged with its cause (except for codes, whose delivery errors may echo
// the code).
func TestNotifierFailureIsLogged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	w.notes.setFail(errors.New("queue full (marker-z1x2)"))
	a, err := svc.Suspend(ctx, a.ID, "noc", "maintenance")
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, a.Status)
	assert.Contains(t, w.logs.String(), "marker-z1x2")
	assert.Contains(t, w.logs.String(), `"to":"o*********@payer.example"`, "the recipient is masked")
}
