package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Refusals a new operator or applicant meets name the route that helps:
// a refused one-time code names the resend route, a second credentials
// request the rotation route, and an unknown queue filter every value the
// filter takes, all included.
func TestRefusalsNameTheNextRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.provisioned("Next Route Regulator")
	require.NotEmpty(t, secret)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/credentials",
		auth: bearer(f.h.ApplicantToken(a.ID))})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "POST /v1/onboarding/credentials/rotate")

	v, vtok := f.submit(f.payer())
	var otpTask string
	for _, tk := range v.OpenTasks() {
		if tk.Kind == "otp" {
			otpTask = tk.ID
		}
	}
	require.NotEmpty(t, otpTask)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + v.ID + "/tasks/" + otpTask + "/otp",
		auth: bearer(vtok), body: map[string]string{"otp": "000000"}})
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "/otp/resend")

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=al", auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.envelope(t).Error.Message, "or all for any")
}

// An application waiting on a one-time code names the task as the issue's
// example does — "waits on OTP task otp-1" — with the route that confirms
// the code and the one that sends a new one, each with the real id.
func TestNextStepNamesTheOTPTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.payer())
	var otpTask string
	for _, tk := range a.OpenTasks() {
		if tk.Kind == "otp" {
			otpTask = tk.ID
		}
	}
	require.NotEmpty(t, otpTask)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/credentials", auth: bearer(tok)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	msg := res.envelope(t).Error.Message
	base := "/v1/onboarding/applications/" + a.ID
	assert.Contains(t, msg, "waits on OTP task "+otpTask+": POST "+base+"/tasks/"+otpTask+"/otp")
	assert.Contains(t, msg, "POST "+base+"/tasks/"+otpTask+"/otp/resend")
}
