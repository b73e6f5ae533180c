package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A decision settles the evidence it was made on: a review whose findings
// a recheck rewrote after the reviewer looked is not decided on the old
// look (Decision.Seen), and is decided on the new one.
func TestDecisionSettlesWhatTheReviewerSaw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var registryName atomic.Value
	registryName.Store("Insurance Regulatory Authority, Hyderabad")
	check := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		rep, err := w.verifier.Verify(ctx, app)
		if err != nil {
			return nil, err
		}
		for i, res := range rep.Requirements {
			if res.ID == verifier.ReqCaseReview {
				res.Findings = []verifier.Finding{{Field: "name", Applicant: app.ParticipantName,
					Registry: registryName.Load().(string), Source: "registry"}}
				rep.Requirements[i] = res
			}
		}
		return rep, nil
	})
	svc := w.service(registry.NewMemoryStore(), onboarding.WithVerifier(check))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	seen := onlyTask(t, a, onboarding.KindReview)
	require.NotEmpty(t, seen.Fingerprint)

	registryName.Store("Unrelated Shell Trading Company")
	a, err = svc.RecheckBy(ctx, a.ID, "staff:ravi")
	require.NoError(t, err)
	now := onlyTask(t, a, onboarding.KindReview)
	require.Equal(t, seen.ID, now.ID, "the same task, its findings rewritten")
	require.NotEqual(t, seen.Fingerprint, now.Fingerprint)

	_, err = svc.Decide(ctx, a.ID, seen.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Seen: seen.Fingerprint})
	require.ErrorIs(t, err, onboarding.ErrConflict)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, onboarding.TaskOpen, onlyTask(t, a, onboarding.KindReview).State, "nothing was decided")

	a, err = svc.Decide(ctx, a.ID, seen.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Seen: now.Fingerprint})
	require.NoError(t, err)
	done, ok := a.Task(seen.ID)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskDone, done.State)
}

// A go-live confirms the step-3 details the approver checked: details the
// participant changed after they were shown refuse it
// (Checklist.DetailsSeen), and the go-live on the details now shown goes
// through.
func TestGoLiveOnTheDetailsTheApproverSaw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := provisioned(t, w, svc)
	seen := a.DetailsFingerprint()
	require.NotEmpty(t, seen)

	moved, err := svc.SubmitDetails(ctx, a.ID, w.details("elsewhere.suraksha.example"))
	require.NoError(t, err)
	require.NotEqual(t, seen, moved.DetailsFingerprint())

	cl := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi", DetailsSeen: seen}
	_, err = svc.GoLive(ctx, a.ID, cl)
	require.ErrorIs(t, err, onboarding.ErrConflict)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.NotEqual(t, hcxonboard.StatusActive, a.Status)

	cl.DetailsSeen = moved.DetailsFingerprint()
	a, err = svc.GoLive(ctx, a.ID, cl)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, a.Status)
}

// A recheck that finds nothing new leaves a review the engine worded
// itself as it was shown (here: no HFR OTP configured, staff verify the
// manager), so the reviewer's decision on it stands.
func TestRecheckKeepsAnEngineWordedReviewAsShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, err := onboarding.New(registry.NewMemoryStore(),
		onboarding.WithInstanceCode(instanceCode),
		onboarding.WithNotifier(w.notes),
		onboarding.WithVerifier(w.verifier),
		onboarding.WithSandbox(w.sandbox),
		// no WithFacilityOTP: staff verify the facility manager
		onboarding.WithTokens(w.tokenKey),
		onboarding.WithClock(w.clock.Now),
		onboarding.WithOTPKey(otpKey),
	)
	require.NoError(t, err)
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	shown := onlyTask(t, a, onboarding.KindReview)
	require.Contains(t, shown.Message, "HFR OTP is not configured")

	a, err = svc.RecheckBy(ctx, a.ID, "staff:ravi")
	require.NoError(t, err)
	now, ok := a.Task(shown.ID)
	require.True(t, ok)
	assert.Equal(t, shown.Message, now.Message, "the staff's instruction stays")
	assert.Equal(t, shown.Fingerprint, now.Fingerprint)
	_, err = svc.Decide(ctx, a.ID, shown.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha",
		Reason: "confirmed with the facility manager by phone", Seen: shown.Fingerprint})
	require.NoError(t, err)
}

// A certificate given by its URL is the one served there when the details
// were checked: the same details submitted again while another
// certificate is served there change what the approver would see (its
// expiry), and a go-live on the details as shown before is refused.
func TestGoLiveOnTheCertificateBehindAURLAsShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var served atomic.Value
	served.Store(w.cert.valid)
	srv := newCountingServer(t, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(served.Load().(string)))
	}))
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFetcher(trustingFetcher(t, srv.Server)))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	d := w.details("hcx.bsp-one.example")
	d.EncryptionCert = srv.URL + "/enc.pem"
	shown, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	_, err = svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	again, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	require.Equal(t, shown.DetailsFingerprint(), again.DetailsFingerprint(), "the same details, the same certificate")

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	other, err := selfSigned(key, &key.PublicKey, w.clock.Now().Add(-time.Hour), w.clock.Now().Add(40*day))
	require.NoError(t, err)
	served.Store(other)
	now, err := svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
	require.NotEqual(t, shown.Details.EncryptionCertExpiry, now.Details.EncryptionCertExpiry)

	cl := onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:ravi", DetailsSeen: shown.DetailsFingerprint()}
	_, err = svc.GoLive(ctx, a.ID, cl)
	require.ErrorIs(t, err, onboarding.ErrConflict)
	cl.DetailsSeen = now.DetailsFingerprint()
	_, err = svc.GoLive(ctx, a.ID, cl)
	require.NoError(t, err)
}
