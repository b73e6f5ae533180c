package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

func TestApply(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	valid := func() []byte {
		b, err := json.Marshal(f.regulator("Insurance Regulatory Office"))
		require.NoError(t, err)
		return b
	}
	keyed := f.regulator("Keyed Regulator")
	keyed.ApplicationID = "client-key-1"
	keyedJSON, err := json.Marshal(keyed)
	require.NoError(t, err)
	first := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: keyedJSON})
	require.Equal(t, http.StatusCreated, first.status, "body: %s", first.body)
	var firstRes httpapi.ApplyResponse
	first.decode(t, &firstRes)
	reused := keyed.Clone()
	reused.ParticipantName = "A Different Regulator"

	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"valid", valid(), http.StatusCreated, ""},
		{"unknown field", strings.Replace(string(valid()), `{`, `{"colour":"blue",`, 1), http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"unknown role", strings.Replace(string(valid()), "agency.regulator", "agency.astrologer", 1), http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"wrong type", `{"participant_name": 7}`, http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"bad JSON", `{"participant_name": "x"`, http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"trailing data", string(valid()) + `{}`, http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"empty", ``, http.StatusBadRequest, httpapi.CodeInvalidPayload},
		{"oversized", `{"participant_name": "` + strings.Repeat("x", hcxonboard.MaxApplicationSize) + `"}`, http.StatusRequestEntityTooLarge, httpapi.CodeInvalidPayload},
		{"idempotent replay", keyedJSON, http.StatusCreated, ""},
		{"idempotency key reused for another application", reused, http.StatusConflict, httpapi.CodeInvalidRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: tc.body})
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			if tc.code != "" {
				assert.Equal(t, tc.code, res.envelope(t).Error.Code)
				return
			}
			var out httpapi.ApplyResponse
			res.decode(t, &out)
			require.NotNil(t, out.Application)
			assert.True(t, strings.HasPrefix(out.ApplicantToken, httpapi.ApplicantTokenPrefix))
			assert.Equal(t, "/v1/onboarding/applications/"+out.Application.ID, res.header.Get("Location"))
			assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
			assert.Equal(t, registry.StageVerifying, out.Application.Stage)
			assert.Equal(t, hcxonboard.StatusCreated, out.Application.Status)
			require.Len(t, out.Application.Tasks, 1)
			assert.Equal(t, onboarding.KindReview, out.Application.Tasks[0].Kind)
			if tc.name == "idempotent replay" {
				assert.Equal(t, firstRes.Application.ID, out.Application.ID)
				assert.Equal(t, firstRes.ApplicantToken, out.ApplicantToken)
			}
		})
	}
}

// An application the rules refuse is stored and answered 201 with its
// reasons: the applicant can read why, with its token.
// An application refused on its face is a 422 carrying the report in the
// pre-validation contract, and leaves nothing behind: no record, no
// applicant token.
func TestApplyRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := f.regulator("Regulator With A Payer Certificate")
	app.SandboxCertificate = f.cert("reg-x", hcxonboard.RolePayer)
	for name, body := range map[string]any{
		"certificate for another role": app,
		"empty object":                 json.RawMessage(`{}`),
		"null":                         json.RawMessage(`null`),
	} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: body})
		require.Equal(t, http.StatusUnprocessableEntity, res.status, "%s: body: %s", name, res.body)
		var out httpapi.RefusalResponse
		res.decode(t, &out)
		assert.Equal(t, httpapi.CodeInvalidApplication, out.Error.Code, name)
		assert.NotEqual(t, "ready", string(out.Verdict), name)
		require.NotEmpty(t, out.Requirements, name)
		assert.NotContains(t, string(res.body), "applicant_token", name)
	}
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
	var out httpapi.RefusalResponse
	res.decode(t, &out)
	var sb *httpapi.ReportResult
	for i := range out.Requirements {
		if out.Requirements[i].ID == "sandbox_certificate" {
			sb = &out.Requirements[i]
		}
	}
	require.NotNil(t, sb)
	assert.Equal(t, "invalid", string(sb.Outcome))

	queue := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, queue.status, "body: %s", queue.body)
	assert.NotContains(t, string(queue.body), "Regulator With A Payer Certificate", "nothing stored")
}

func TestStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Status Regulator"))
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, a.ID, v.ID)
	assert.Equal(t, a.Participant.ParticipantCode, v.ParticipantCode)
	require.NotNil(t, v.Report)
	assert.NotEmpty(t, v.Report.Requirements)
	require.NotNil(t, v.Sandbox)
	assert.True(t, v.Sandbox.Trusted)

	// HEAD is served with GET.
	head := f.do(request{method: http.MethodHead, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok)})
	assert.Equal(t, http.StatusOK, head.status)

	// A token minted for an id that does not exist proves nothing exists.
	ghost := "00000000-0000-4000-8000-000000000000"
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + ghost, auth: bearer(f.h.ApplicantToken(ghost))})
	require.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
}

func TestOTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.payer())
	require.Equal(t, registry.StageVerifying, a.Stage)
	var otp onboarding.Task
	for _, task := range a.OpenTasks() {
		if task.Kind == onboarding.KindOTP {
			otp = task
		}
	}
	require.NotEmpty(t, otp.ID, "the payer waits on its system admin's code")
	base := "/v1/onboarding/applications/" + a.ID + "/tasks/" + otp.ID
	code := f.out.lastCode(a.ID)
	require.Len(t, code, 6)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}

	steps := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"no code", base + "/otp", map[string]string{"otp": " "}, http.StatusBadRequest, httpapi.CodeInvalidOTP},
		{"wrong code", base + "/otp", httpapi.OTPRequest{OTP: wrong}, http.StatusBadRequest, httpapi.CodeInvalidOTP},
		{"unknown task", "/v1/onboarding/applications/" + a.ID + "/tasks/otp-99/otp", httpapi.OTPRequest{OTP: code}, http.StatusBadRequest, httpapi.CodeInvalidOTP},
		{"right code", base + "/otp", httpapi.OTPRequest{OTP: code}, http.StatusOK, ""},
		{"the task is done", base + "/otp", httpapi.OTPRequest{OTP: code}, http.StatusBadRequest, httpapi.CodeInvalidOTP},
	}
	for _, s := range steps {
		res := f.do(request{method: http.MethodPost, path: s.path, body: s.body, auth: bearer(tok)})
		require.Equal(t, s.status, res.status, "%s: %s", s.name, res.body)
		if s.code != "" {
			e := res.envelope(t)
			assert.Equal(t, s.code, e.Error.Code, s.name)
			assert.NotContains(t, e.Error.Message, code, "a message never carries the code")
			continue
		}
		var v httpapi.Application
		res.decode(t, &v)
		task := findTask(t, v, otp.ID)
		assert.Equal(t, onboarding.TaskDone, task.State)
	}
}

func TestResendOTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.payer())
	var taskID string
	for _, task := range a.OpenTasks() {
		if task.Kind == onboarding.KindOTP {
			taskID = task.ID
		}
	}
	require.NotEmpty(t, taskID)
	path := "/v1/onboarding/applications/" + a.ID + "/tasks/" + taskID + "/otp/resend"
	old := f.out.lastCode(a.ID)
	res := f.do(request{method: http.MethodPost, path: path, auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	left := findTask(t, v, taskID).ResendsLeft
	assert.Equal(t, onboarding.DefaultOTPResendsPerDay-1, left)
	assert.NotEqual(t, old, f.out.lastCode(a.ID), "a new code went out")
	for range left {
		res = f.do(request{method: http.MethodPost, path: path, auth: bearer(tok)})
		require.Equal(t, http.StatusOK, res.status)
	}
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(tok)})
	require.Equal(t, http.StatusTooManyRequests, res.status, "body: %s", res.body)
	assert.Equal(t, httpapi.CodeMaximumOTPRegenerate, res.envelope(t).Error.Code)

	// Resending for a review task is not a thing.
	reg, regTok := f.submit(f.regulator("No OTP Regulator"))
	res = f.do(request{method: http.MethodPost, auth: bearer(regTok),
		path: "/v1/onboarding/applications/" + reg.ID + "/tasks/" + reg.OpenTasks()[0].ID + "/otp/resend"})
	assert.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
}

// An ABDM facility's code is HFR's own, sent to the manager HFR holds.
func TestHFROTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := &hcxonboard.Application{
		ParticipantName:        "Sanjeevani Multispeciality Hospital",
		Roles:                  []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:           "admin@sanjeevani.example",
		PrimaryMobile:          "9000066001",
		Identifiers:            hcxonboard.Identifiers{HFRID: "IN2910000123"},
		Address:                &hcxonboard.Address{Pincode: "560034"}, // as HFR holds it: no review
		SandboxCertificate:     f.cert("hosp-1", hcxonboard.RoleHospital),
		SandboxParticipantCode: "hosp-1",
	}
	a, tok := f.submit(app)
	var task onboarding.Task
	for _, x := range a.OpenTasks() {
		if x.Channel == onboarding.ChannelHFR {
			task = x
		}
	}
	require.NotEmpty(t, task.ID, "tasks: %+v", a.Tasks)
	code, ok := f.hfr.LastOTP("IN2910000123")
	require.True(t, ok)
	res := f.do(request{method: http.MethodPost, auth: bearer(tok),
		path: "/v1/onboarding/applications/" + a.ID + "/tasks/" + task.ID + "/otp", body: httpapi.OTPRequest{OTP: code}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, registry.StageDetails, v.Stage, "tasks: %+v", v.Tasks)
}

func TestDecide(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.submit(f.regulator("Decision Regulator"))
	task := a.OpenTasks()[0].ID
	path := "/v1/onboarding/staff/applications/" + a.ID + "/tasks/" + task + "/decision"
	steps := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"no decision", path, httpapi.DecisionRequest{}, http.StatusBadRequest, httpapi.CodeInvalidRequest},
		{"unknown decision", path, httpapi.DecisionRequest{Decision: "maybe"}, http.StatusBadRequest, httpapi.CodeInvalidRequest},
		{"reject without reason", path, httpapi.DecisionRequest{Decision: httpapi.DecisionReject}, http.StatusBadRequest, httpapi.CodeInvalidRequest},
		{"unknown task", strings.Replace(path, task, "review-42", 1), httpapi.DecisionRequest{Decision: httpapi.DecisionApprove}, http.StatusNotFound, httpapi.CodeInvalidRequest},
		{"unknown application", strings.Replace(path, a.ID, "no-such-app", 1), httpapi.DecisionRequest{Decision: httpapi.DecisionApprove}, http.StatusNotFound, httpapi.CodeInvalidRequest},
		{"approve", path, httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "regulator confirmed by phone"}, http.StatusOK, ""},
		{"decided already", path, httpapi.DecisionRequest{Decision: httpapi.DecisionReject, Reason: "changed my mind"}, http.StatusConflict, httpapi.CodeInvalidOnboardStatus},
	}
	for _, s := range steps {
		res := f.do(request{method: http.MethodPost, path: s.path, body: s.body, auth: bearer(staffToken)})
		require.Equal(t, s.status, res.status, "%s: %s", s.name, res.body)
		if s.code != "" {
			assert.Equal(t, s.code, res.envelope(t).Error.Code, s.name)
			continue
		}
		var v httpapi.Application
		res.decode(t, &v)
		assert.Equal(t, registry.StageDetails, v.Stage)
		got := findTask(t, v, task)
		assert.Equal(t, onboarding.TaskDone, got.State)
		assert.Equal(t, "staff:"+staffID, got.DecidedBy)
	}

	// A rejection with a reason rejects the application.
	b, _ := f.submit(f.regulator("Rejected Regulator"))
	res := f.do(request{method: http.MethodPost, auth: bearer(staffToken),
		path: "/v1/onboarding/staff/applications/" + b.ID + "/tasks/" + b.OpenTasks()[0].ID + "/decision",
		body: httpapi.DecisionRequest{Decision: httpapi.DecisionReject, Reason: "not a regulator"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, registry.StageRejected, v.Stage)
}

func TestDetails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifying, vtok := f.submit(f.regulator("Still Verifying"))
	a, tok := f.submit(f.regulator("Details Regulator"))
	a = f.approveReview(a)
	good := validDetails(t)
	path := "/v1/onboarding/applications/" + a.ID + "/details"
	cases := []struct {
		name   string
		path   string
		tok    string
		body   onboarding.Details
		status int
		code   string
	}{
		{"plain http endpoint", path, tok, onboarding.Details{EndpointURL: "http://hcx.participant.example/", EncryptionCert: good.EncryptionCert}, http.StatusBadRequest, httpapi.CodeInvalidParticipantDetails},
		{"IP endpoint", path, tok, onboarding.Details{EndpointURL: "https://10.0.0.1/", EncryptionCert: good.EncryptionCert}, http.StatusBadRequest, httpapi.CodeInvalidParticipantDetails},
		{"no certificate", path, tok, onboarding.Details{EndpointURL: good.EndpointURL}, http.StatusBadRequest, httpapi.CodeInvalidCertificate},
		{"garbage certificate", path, tok, onboarding.Details{EndpointURL: good.EndpointURL, EncryptionCert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}, http.StatusBadRequest, httpapi.CodeInvalidCertificate},
		{"too early", "/v1/onboarding/applications/" + verifying.ID + "/details", vtok, good, http.StatusConflict, httpapi.CodeInvalidOnboardStatus},
		{"valid", path, tok, good, http.StatusOK, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(request{method: http.MethodPut, path: tc.path, body: tc.body, auth: bearer(tc.tok)})
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			if tc.code != "" {
				assert.Equal(t, tc.code, res.envelope(t).Error.Code)
				return
			}
			var v httpapi.Application
			res.decode(t, &v)
			assert.Equal(t, registry.StageCredentials, v.Stage)
			require.NotNil(t, v.Details)
			assert.False(t, v.Details.EncryptionCertExpiry.IsZero())
		})
	}
}

// From credentials to tokens: provisioning once, go-live by staff, tokens
// for Active participants only, rotation, the search behind a token.
func TestCredentialsTokensAndSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Token Regulator"))
	a = f.approveReview(a)
	_, err := f.svc.SubmitDetails(t.Context(), a.ID, validDetails(t))
	require.NoError(t, err)
	code := a.Participant.ParticipantCode

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/credentials", auth: bearer(tok)})
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
	var creds httpapi.CredentialsResponse
	res.decode(t, &creds)
	assert.Equal(t, code, creds.ParticipantCode)
	require.NotEmpty(t, creds.Secret)

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/credentials", auth: bearer(tok)})
	require.Equal(t, http.StatusConflict, res.status, "a second provisioning: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOnboardStatus, res.envelope(t).Error.Code)
	assert.NotContains(t, string(res.body), creds.Secret)

	tokenReq := func(code, secret string) response {
		return f.do(request{method: http.MethodPost, path: "/v1/onboarding/token", body: httpapi.TokenRequest{ParticipantCode: code, Secret: secret}})
	}
	res = tokenReq(code, creds.Secret)
	require.Equal(t, http.StatusUnauthorized, res.status, "not live yet: %s", res.body)
	assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code)

	goLive := "/v1/onboarding/staff/applications/" + a.ID + "/go-live"
	res = f.do(request{method: http.MethodPost, path: goLive, auth: bearer(staffToken), body: httpapi.GoLiveRequest{PilotCompleted: true}})
	require.Equal(t, http.StatusConflict, res.status, "staff not trained: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOnboardStatus, res.envelope(t).Error.Code)
	res = f.do(request{method: http.MethodPost, path: goLive, auth: bearer(staffToken), body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var live httpapi.Application
	res.decode(t, &live)
	assert.Equal(t, hcxonboard.StatusActive, live.Status)
	require.NotNil(t, live.Checklist)
	assert.Equal(t, "staff:"+staffID, live.Checklist.ConfirmedBy)

	for _, tc := range []struct {
		name, code, secret string
		status             int
		errCode            string
	}{
		{"no code", "", creds.Secret, http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"no secret", code, "", http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"wrong secret", code, creds.Secret[:len(creds.Secret)-2] + "xx", http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"unknown code", "nobody_000000@hcx", creds.Secret, http.StatusUnauthorized, httpapi.CodeAccessDenied},
	} {
		res := tokenReq(tc.code, tc.secret)
		require.Equal(t, tc.status, res.status, "%s: %s", tc.name, res.body)
		e := res.envelope(t)
		assert.Equal(t, tc.errCode, e.Error.Code, tc.name)
		assert.NotContains(t, e.Error.Message, creds.Secret, tc.name)
	}
	res = tokenReq(code, creds.Secret)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var at httpapi.TokenResponse
	res.decode(t, &at)
	assert.Equal(t, "Bearer", at.TokenType)
	assert.Positive(t, at.ExpiresIn)
	require.NotEmpty(t, at.AccessToken)

	// The JWKS verifies it.
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/jwks"})
	require.Equal(t, http.StatusOK, res.status)
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	res.decode(t, &set)
	require.Len(t, set.Keys, 1)
	assert.NotContains(t, set.Keys[0], "d", "no private part")

	// The search takes the participant's token or staff's credential.
	search := "/v1/onboarding/participants/search"
	q := registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq("agency.regulator")}}
	for _, tc := range []struct {
		name   string
		auth   string
		body   any
		status int
		code   string
	}{
		{"no credential", "", q, http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"forged token", bearer("eyJhbGciOiJub25lIn0.e30."), q, http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"unknown field in filter", bearer(at.AccessToken), `{"filters":{"colour":{"eq":"blue"}}}`, http.StatusBadRequest, httpapi.CodeInvalidSearch},
		{"participant token", bearer(at.AccessToken), q, http.StatusOK, ""},
		{"staff", bearer(staffToken), q, http.StatusOK, ""},
	} {
		res := f.do(request{method: http.MethodPost, path: search, auth: tc.auth, body: tc.body})
		require.Equal(t, tc.status, res.status, "%s: %s", tc.name, res.body)
		if tc.code != "" {
			assert.Equal(t, tc.code, res.envelope(t).Error.Code, tc.name)
			continue
		}
		var out httpapi.SearchResponse
		res.decode(t, &out)
		require.Len(t, out.Participants, 1, tc.name)
		assert.Equal(t, code, out.Participants[0].ParticipantCode)
	}

	// Rotation with the live secret; the old one keeps working through the
	// overlap.
	rotate := "/v1/onboarding/credentials/rotate"
	for _, tc := range []struct {
		name   string
		body   httpapi.RotateRequest
		status int
		code   string
	}{
		{"no code", httpapi.RotateRequest{Secret: creds.Secret}, http.StatusUnauthorized, httpapi.CodeAccessDenied},
		{"negative overlap", httpapi.RotateRequest{ParticipantCode: code, Secret: creds.Secret, OverlapSeconds: -1}, http.StatusBadRequest, httpapi.CodeInvalidRequest},
		{"wrong secret", httpapi.RotateRequest{ParticipantCode: code, Secret: "nope"}, http.StatusUnauthorized, httpapi.CodeAccessDenied},
	} {
		res := f.do(request{method: http.MethodPost, path: rotate, body: tc.body})
		require.Equal(t, tc.status, res.status, "%s: %s", tc.name, res.body)
		assert.Equal(t, tc.code, res.envelope(t).Error.Code, tc.name)
	}
	res = f.do(request{method: http.MethodPost, path: rotate, body: httpapi.RotateRequest{ParticipantCode: code, Secret: creds.Secret, OverlapSeconds: 3600}})
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	var rotated httpapi.CredentialsResponse
	res.decode(t, &rotated)
	assert.NotEqual(t, creds.Secret, rotated.Secret)
	assert.Equal(t, http.StatusOK, tokenReq(code, creds.Secret).status, "the old secret overlaps")
	assert.Equal(t, http.StatusOK, tokenReq(code, rotated.Secret).status)

	// A compromise report revokes everything.
	// Live, the participant reports with its access token.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/compromise", auth: bearer(tok),
		body: httpapi.ReasonRequest{Reason: "secret pasted in a public chat"}})
	require.Equal(t, http.StatusForbidden, res.status, "the applicant token is dead once live: %s", res.body)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/compromise", auth: bearer(at.AccessToken),
		body: httpapi.ReasonRequest{Reason: "secret pasted in a public chat"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var after httpapi.Application
	res.decode(t, &after)
	assert.Zero(t, after.Credentials.Live)
	assert.False(t, after.Credentials.CompromisedAt.IsZero())
	assert.Equal(t, http.StatusUnauthorized, tokenReq(code, rotated.Secret).status)
	res = f.do(request{method: http.MethodPost, path: search, auth: bearer(at.AccessToken), body: q})
	assert.Equal(t, http.StatusUnauthorized, res.status, "tokens issued before the report are refused")
}

// Suspension, reinstatement, announced de-boarding with an appeal, and a
// voluntary de-boarding.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Lifecycle Regulator")
	// Live, the participant acts with its access token, not the applicant
	// token.
	access, err := f.svc.Token(context.Background(), a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	tok := access.Value
	staff := "/v1/onboarding/staff/applications/" + a.ID
	mine := "/v1/onboarding/applications/" + a.ID
	steps := []struct {
		name   string
		method string
		path   string
		auth   string
		body   any
		status int
		code   string
		check  func(t *testing.T, v httpapi.Application)
	}{
		{"suspend without reason", http.MethodPost, staff + "/suspend", bearer(staffToken), httpapi.ReasonRequest{}, http.StatusBadRequest, httpapi.CodeInvalidRequest, nil},
		{"reinstate while active", http.MethodPost, staff + "/reinstate", bearer(staffToken), httpapi.ReasonRequest{Reason: "x"}, http.StatusConflict, httpapi.CodeInvalidOnboardStatus, nil},
		{"suspend", http.MethodPost, staff + "/suspend", bearer(staffToken), httpapi.ReasonRequest{Reason: "SLA breach"}, http.StatusOK, "",
			func(t *testing.T, v httpapi.Application) { assert.Equal(t, hcxonboard.StatusBlocked, v.Status) }},
		{"reinstate", http.MethodPost, staff + "/reinstate", bearer(staffToken), httpapi.ReasonRequest{Reason: "fixed"}, http.StatusOK, "",
			func(t *testing.T, v httpapi.Application) { assert.Equal(t, hcxonboard.StatusActive, v.Status) }},
		{"deboard: unknown initiator", http.MethodPost, staff + "/deboard", bearer(staffToken), httpapi.DeboardRequest{Initiator: "cosmic", Reason: "x"}, http.StatusBadRequest, httpapi.CodeInvalidRequest, nil},
		{"deboard: no reason", http.MethodPost, staff + "/deboard", bearer(staffToken), httpapi.DeboardRequest{Initiator: "hcx"}, http.StatusBadRequest, httpapi.CodeInvalidRequest, nil},
		{"deboard announced by the regulator", http.MethodPost, staff + "/deboard", bearer(staffToken), httpapi.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Reason: "licence withdrawn"}, http.StatusOK, "",
			func(t *testing.T, v httpapi.Application) {
				assert.Equal(t, hcxonboard.StatusActive, v.Status)
				require.NotNil(t, v.Deboarding)
				assert.True(t, v.Deboarding.Pending())
			}},
		{"appeal without reason", http.MethodPost, mine + "/appeal", bearer(tok), httpapi.ReasonRequest{}, http.StatusBadRequest, httpapi.CodeInvalidRequest, nil},
		{"appeal", http.MethodPost, mine + "/appeal", bearer(tok), httpapi.ReasonRequest{Reason: "the licence was renewed"}, http.StatusOK, "",
			func(t *testing.T, v httpapi.Application) {
				require.NotNil(t, v.Deboarding)
				assert.False(t, v.Deboarding.Pending())
			}},
		{"appeal again", http.MethodPost, mine + "/appeal", bearer(tok), httpapi.ReasonRequest{Reason: "again"}, http.StatusConflict, httpapi.CodeInvalidOnboardStatus, nil},
		{"withdraw a live application", http.MethodPost, mine + "/withdraw", bearer(tok), httpapi.ReasonRequest{Reason: "x"}, http.StatusForbidden, httpapi.CodeAccessDenied, nil},
	}
	for _, s := range steps {
		res := f.do(request{method: s.method, path: s.path, auth: s.auth, body: s.body})
		require.Equal(t, s.status, res.status, "%s: %s", s.name, res.body)
		if s.code != "" {
			assert.Equal(t, s.code, res.envelope(t).Error.Code, s.name)
			continue
		}
		var v httpapi.Application
		res.decode(t, &v)
		s.check(t, v)
	}

	// Leaving takes a step-up code sent to the registered admin.
	leave := httpapi.DeboardVoluntaryRequest{Reason: "moving to another HCX"}
	res := f.do(request{method: http.MethodPost, path: mine + "/deboard", auth: bearer(tok), body: leave})
	require.Equal(t, http.StatusBadRequest, res.status, "no step-up code: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOTP, res.envelope(t).Error.Code)
	res = f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: bearer(f.h.ApplicantToken(a.ID)),
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDeboard}})
	require.Equal(t, http.StatusForbidden, res.status, "the applicant token is dead once live: %s", res.body)
	res = f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: bearer(tok), body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDeboard}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	leave.StepUpCode = f.out.lastCode(a.ID)
	res = f.do(request{method: http.MethodPost, path: mine + "/deboard", auth: bearer(tok), body: leave})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, hcxonboard.StatusInactive, v.Status)
	res = f.do(request{method: http.MethodPost, path: staff + "/suspend", auth: bearer(staffToken), body: httpapi.ReasonRequest{Reason: "x"}})
	assert.Equal(t, http.StatusConflict, res.status, "the inactive are not suspended")
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Withdrawing Regulator"))
	path := "/v1/onboarding/applications/" + a.ID + "/withdraw"
	res := f.do(request{method: http.MethodPost, path: path, auth: bearer(tok), body: httpapi.ReasonRequest{Reason: "applied by mistake"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, registry.StageWithdrawn, v.Stage)
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(tok), body: httpapi.ReasonRequest{Reason: "again"}})
	require.Equal(t, http.StatusConflict, res.status)
	assert.Equal(t, httpapi.CodeInvalidOnboardStatus, res.envelope(t).Error.Code)
	// Compromise on an application without live secrets is still recorded
	// only where the engine allows it.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/compromise", auth: bearer(tok), body: httpapi.ReasonRequest{Reason: "x"}})
	assert.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
}

func TestQueueEventsAndRecheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	reg, _ := f.submit(f.regulator("Queued Regulator"))
	pay, _ := f.submit(f.payer())
	for _, tc := range []struct {
		name   string
		query  string
		status int
		ids    []string
	}{
		{"waiting on staff, by default", "", http.StatusOK, []string{reg.ID}},
		{"everything", "?waiting=all", http.StatusOK, []string{reg.ID, pay.ID}},
		{"waiting on review", "?waiting=review", http.StatusOK, []string{reg.ID}},
		{"waiting on otp", "?waiting=otp", http.StatusOK, []string{pay.ID}},
		{"by stage", "?stage=details", http.StatusOK, nil},
		{"by participant", "?participant_code=" + pay.Participant.ParticipantCode, http.StatusOK, []string{pay.ID}},
		{"paged", "?waiting=all&limit=1&offset=1", http.StatusOK, []string{pay.ID}},
		{"paged past the staff queue", "?limit=1&offset=1", http.StatusOK, nil},
		{"unknown stage", "?stage=limbo", http.StatusBadRequest, nil},
		{"unknown waiting", "?waiting=godot", http.StatusBadRequest, nil},
		{"bad limit", "?limit=-1", http.StatusBadRequest, nil},
		{"huge limit", "?limit=100000", http.StatusBadRequest, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications" + tc.query, auth: bearer(staffToken)})
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			if tc.status != http.StatusOK {
				assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
				return
			}
			var q httpapi.QueueResponse
			res.decode(t, &q)
			var ids []string
			for _, a := range q.Applications {
				ids = append(ids, a.ID)
			}
			assert.Equal(t, tc.ids, ids)
		})
	}

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + reg.ID, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + reg.ID + "/recheck", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + reg.ID + "/events", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	var ev httpapi.EventsResponse
	res.decode(t, &ev)
	assert.True(t, ev.Chain.Verified)
	var actions []string
	for _, e := range ev.Events {
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []string{onboarding.ActionSubmit, onboarding.ActionRegister, onboarding.ActionRecheck}, actions)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/nope/events", auth: bearer(staffToken)})
	assert.Equal(t, http.StatusNotFound, res.status)
}

func TestExpiringAndProcess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.live("Expiring Regulator")
	for _, tc := range []struct {
		query  string
		status int
		n      int
	}{
		{"", http.StatusOK, 0},
		{"?within_days=400", http.StatusOK, 1},
		{"?within_days=x", http.StatusBadRequest, 0},
		{"?within_days=-3", http.StatusBadRequest, 0},
	} {
		res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring" + tc.query, auth: bearer(staffToken)})
		require.Equal(t, tc.status, res.status, "%q: %s", tc.query, res.body)
		if tc.status != http.StatusOK {
			continue
		}
		var out httpapi.ExpiringResponse
		res.decode(t, &out)
		require.Len(t, out.Certificates, tc.n, tc.query)
		if tc.n > 0 {
			assert.Equal(t, a.Participant.ParticipantCode, out.Certificates[0].ParticipantCode)
			assert.Equal(t, "encryption", out.Certificates[0].Certificate)
			assert.WithinDuration(t, time.Now().Add(365*24*time.Hour), out.Certificates[0].ExpiresAt, 48*time.Hour)
		}
	}
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/deboardings/process", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	var p httpapi.ProcessedResponse
	res.decode(t, &p)
	assert.Zero(t, p.Deboarded)
}

func findTask(t *testing.T, v httpapi.Application, id string) httpapi.Task {
	t.Helper()
	for _, x := range v.Tasks {
		if x.ID == id {
			return x
		}
	}
	require.Failf(t, "no task", "%s in %+v", id, v.Tasks)
	return httpapi.Task{}
}

// An announced de-boarding takes effect when staff process the due ones
// after the notice period, and not before.
func TestProcessDueDeboardings(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Now()}
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.Now), onboarding.WithNoticePeriod(7 * 24 * time.Hour)})
	a, _ := f.live("Due Regulator")
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/deboard", auth: bearer(staffToken),
		body: httpapi.DeboardRequest{Initiator: onboarding.InitiatorHCX, Reason: "repeated attacks from its endpoint"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	process := func() int {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/deboardings/process", auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var p httpapi.ProcessedResponse
		res.decode(t, &p)
		return p.Deboarded
	}
	clk.add(6 * 24 * time.Hour)
	assert.Zero(t, process(), "still within the notice period")
	clk.add(2 * 24 * time.Hour)
	assert.Equal(t, 1, process())
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusInactive, got.Status)
}

// The manager HFR holds declines with the intimation's code, without any
// token; a wrong code and an unknown application get the one refusal.
func TestManagerDeclinesOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(&hcxonboard.Application{
		ParticipantName:        "Sanjeevani Multispeciality Hospital",
		Roles:                  []hcxonboard.Role{hcxonboard.RoleHospital},
		PrimaryEmail:           "admin@sanjeevani.example",
		PrimaryMobile:          "9000066001",
		Identifiers:            hcxonboard.Identifiers{HFRID: "IN2910000123"},
		Address:                &hcxonboard.Address{Pincode: "560034"},
		SandboxCertificate:     f.cert("hosp-1", hcxonboard.RoleHospital),
		SandboxParticipantCode: "hosp-1",
	})
	var code string
	f.out.mu.Lock()
	for _, m := range f.out.msgs {
		if m.Kind == onboarding.MessageHFRIntimation && m.ApplicationID == a.ID {
			code = m.Code
		}
	}
	f.out.mu.Unlock()
	require.NotEmpty(t, code)
	path := "/v1/onboarding/applications/" + a.ID + "/decline"

	wrong := f.do(request{method: http.MethodPost, path: path, body: httpapi.DeclineRequest{Code: "AAAAAAAAAAAAAAAA"}})
	unknown := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/01890000-0000-7000-8000-000000000000/decline",
		body: httpapi.DeclineRequest{Code: code}})
	require.Equal(t, http.StatusBadRequest, wrong.status, "body: %s", wrong.body)
	assert.Equal(t, wrong.status, unknown.status)
	assert.Equal(t, wrong.envelope(t).Error, unknown.envelope(t).Error, "one answer for every refusal")

	res := f.do(request{method: http.MethodPost, path: path, body: httpapi.DeclineRequest{Code: code, Reason: "we did not apply"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.NotContains(t, string(res.body), "admin@sanjeevani.example", "the manager learns nothing of the applicant")
	got := f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok)})
	var v httpapi.Application
	got.decode(t, &v)
	assert.Equal(t, registry.StageRejected, v.Stage)
}
