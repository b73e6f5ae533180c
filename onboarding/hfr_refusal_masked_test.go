package onboarding_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// refusingHFR is HFR refusing to send the manager's code with a message
// that names the manager's contacts, as a registry's words may.
type refusingHFR struct {
	*hfr.Client
	status int
	msg    string
}

func (c refusingHFR) SendFacilityOTP(context.Context, string) (hfr.OTPTransaction, error) {
	return hfr.OTPTransaction{}, &hfr.APIError{StatusCode: c.status, Code: "HIS-1099", Message: c.msg}
}

// HFR's refusal to send its code goes to the audit trail and to the
// superseded task's reason for staff to read; the contacts the registry's
// words hold are masked there, as in the log, while the rest of its words
// stay.
func TestHFRRefusalIsMaskedInTheTrail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const mobile, email = "9876543210", "manager.private@capital.example"
	c := refusingHFR{Client: w.hfrCli, status: http.StatusBadRequest, msg: "OTP could not be sent: mobile " + mobile + " and e-mail " + email + " are not verified"}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(c))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	onlyTask(t, a, onboarding.KindReview)

	var texts []string
	for _, task := range a.Tasks {
		texts = append(texts, task.Reason, task.Message)
	}
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	sawRefusal := false
	for _, e := range events {
		texts = append(texts, e.Reason)
		if e.Action == onboarding.ActionOTPUnavailable {
			sawRefusal = true
			assert.Contains(t, e.Reason, "are not verified", "HFR's own words stay")
			assert.Contains(t, e.Reason, "HIS-1099")
		}
	}
	require.True(t, sawRefusal)
	for _, text := range texts {
		assert.NotContains(t, text, mobile)
		assert.NotContains(t, text, email)
	}
}

// An HFR that cannot send a new code now answers the applicant's resend
// with ErrUnavailable: its words reach the applicant with the manager's
// contacts masked.
func TestHFROutageWordsAreMaskedForTheApplicant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const mobile = "9876543210"
	c := refusingHFR{Client: w.hfrCli, status: http.StatusServiceUnavailable, msg: "SMS gateway down for " + mobile}
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(c))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	_, err = svc.ResendOTP(ctx, a.ID, task.ID)
	require.ErrorIs(t, err, onboarding.ErrUnavailable)
	var apiErr *hfr.APIError
	require.ErrorAs(t, err, &apiErr, "the registry's answer stays in the chain")
	assert.Contains(t, err.Error(), "SMS gateway down")
	assert.NotContains(t, err.Error(), mobile)
}

// validateDownHFR sends codes but cannot check them, in words that name
// the manager's mobile.
type validateDownHFR struct {
	*hfr.Client
	msg string
}

func (c validateDownHFR) ValidateFacilityOTP(context.Context, string, string, string) error {
	return &hfr.APIError{StatusCode: http.StatusServiceUnavailable, Message: c.msg}
}

// HFR unable to check a code is ErrUnavailable to the applicant, the
// attempt given back; the registry's words reach the applicant masked.
func TestHFRCheckOutageWordsAreMaskedForTheApplicant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const mobile = "9876543210"
	svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(validateDownHFR{Client: w.hfrCli, msg: "OTP service down for " + mobile}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	code, sent := w.hfr.LastOTP(abdmFacility)
	require.True(t, sent)
	_, err = svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.ErrorIs(t, err, onboarding.ErrUnavailable)
	assert.Contains(t, err.Error(), "OTP service down")
	assert.NotContains(t, err.Error(), mobile)
	a, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	got, _ := a.Task(task.ID)
	assert.Equal(t, 3, got.AttemptsLeft, "the attempt is given back")
}
