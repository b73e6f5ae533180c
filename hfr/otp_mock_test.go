package hfr_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

const (
	otpTxn  = "7b2c0e51-9a7d-4c8f-b6a2-3c1d5e9f0a42"
	otpCode = "481516"
)

func TestSendFacilityOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantTxn  string
		wantErr  error
		wantCode string
	}{
		{"object", 200, `{"facilityId":"IN2910000123","status":"Success","message":"Otp sent successfully!","transactionId":"` + otpTxn + `","errorStatus":null}`, otpTxn, nil, ""},
		{"status in capitals", 200, `{"facilityId":"IN2910000123","status":"SUCCESS","transactionId":"` + otpTxn + `"}`, otpTxn, nil, ""},
		{"array", 200, `[{"facilityId":"IN2910000123","status":"success","transactionId":"` + otpTxn + `","errorStatus":null}]`, otpTxn, nil, ""},
		{"array picks this facility", 200, `[{"facilityId":"IN2910000999","status":"success","transactionId":"other"},{"facilityId":"in2910000123","status":"success","transactionId":"` + otpTxn + `"}]`, otpTxn, nil, ""},
		{"id not echoed", 200, `{"status":"Success","transactionId":"` + otpTxn + `"}`, otpTxn, nil, ""},
		{"array without this facility", 200, `[{"facilityId":"IN2910000999","status":"success","transactionId":"x"}]`, "", hfr.ErrUnexpectedResponse, ""},
		{"no transaction", 200, `{"facilityId":"IN2910000123","status":"Success"}`, "", hfr.ErrUnexpectedResponse, ""},
		{"failure status", 200, `{"facilityId":"IN2910000123","status":"Failure","message":"No contact registered"}`, "", nil, ""},
		{"errorStatus", 200, `{"facilityId":"IN2910000123","status":"Failure","errorStatus":{"code":"HIS-1002","message":"Contact mobile is empty"}}`, "", nil, "HIS-1002"},
		{"error in a list", 200, `[{"error":{"code":"HIS-4006","message":"Facility inactive"}}]`, "", nil, "HIS-4006"},
		{"two transactions for this facility", 200, `[{"facilityId":"IN2910000123","status":"success","transactionId":"` + otpTxn + `"},{"facilityId":"IN2910000123","status":"success","transactionId":"other"}]`, "", hfr.ErrUnexpectedResponse, ""},
		{"the same transaction twice", 200, `[{"facilityId":"IN2910000123","status":"success","transactionId":"` + otpTxn + `"},{"facilityId":"IN2910000123","status":"Success","transactionId":"` + otpTxn + `"}]`, otpTxn, nil, ""},
		{"unknown facility", 404, `{"code":"HIS-404","message":"Facility not found"}`, "", hfr.ErrNotFound, "HIS-404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, sendOTPURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
				assert.Equal(t, map[string]any{"facilityId": "IN2910000123"}, decodeBody(t, r))
				return httpmock.NewStringResponse(tt.status, tt.body), nil
			}))
			txn, err := m.c.SendFacilityOTP(context.Background(), "in2910000123")
			if tt.wantTxn != "" {
				require.NoError(t, err)
				assert.Equal(t, hfr.OTPTransaction{FacilityID: "IN2910000123", TransactionID: tt.wantTxn}, txn)
				return
			}
			require.Error(t, err)
			assert.Equal(t, hfr.OTPTransaction{}, txn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				var apiErr *hfr.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
		})
	}
}

// A code typed as the SMS groups it ("481 516", "481-516") is the same
// code: it is sent as its digits, not refused unsent as a wrong one.
func TestValidateFacilityOTPGroupedCode(t *testing.T) {
	t.Parallel()
	for _, typed := range []string{otpCode[:3] + " " + otpCode[3:], otpCode[:3] + "-" + otpCode[3:], " " + otpCode[:2] + " " + otpCode[2:4] + " " + otpCode[4:] + "\n"} {
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, validateURL, func(r *http.Request) (*http.Response, error) {
			assert.Equal(t, otpCode, decodeBody(t, r)["otp"])
			return httpmock.NewStringResponse(200, `{"facilityId":"IN2910000123","status":"success"}`), nil
		})
		require.NoError(t, m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", otpTxn, typed), "%q", typed)
		assert.Equal(t, 1, m.calls(http.MethodPost, validateURL))
	}
}

func TestValidateFacilityOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		wantErr    error
		notErr     error
		wantCode   string
		rejectedOK bool // ErrOTPRejected is expected
	}{
		{"success", 200, `{"facilityId":"IN2910000123","status":"success","message":"OTP validated successfully!!! Hospital id linked to HFR","errorStatus":null}`, nil, nil, "", false},
		{"success in an array", 200, `[{"facilityId":"IN2910000123","status":"SUCCESS"}]`, nil, nil, "", false},
		// A right code must not read as a wrong one (and be spent) because
		// the success body carries an empty error key.
		{"success with an empty errorStatus", 200, `{"facilityId":"IN2910000123","status":"success","message":"OTP validated successfully!!!","errorStatus":""}`, nil, nil, "", false},
		{"success with an errorStatus of nulls", 200, `{"facilityId":"IN2910000123","status":"Success","errorStatus":{"code":null,"message":null}}`, nil, nil, "", false},
		{"wrong code in errorStatus", 200, `{"facilityId":"IN2910000123","status":"failure","message":"Invalid OTP","errorStatus":{"code":"HIS-2022","message":"Invalid OTP"}}`, hfr.ErrOTPRejected, nil, "HIS-2022", true},
		{"failure status only", 200, `{"facilityId":"IN2910000123","status":"failure","message":"OTP expired"}`, hfr.ErrOTPRejected, nil, "", true},
		{"422 envelope", 422, `{"code":"HIS-422","message":"x","details":[{"code":"HIS-2031","message":"Request expired"}]}`, hfr.ErrOTPRejected, nil, "HIS-2031", true},
		{"400 plain", 400, `Bad OTP`, hfr.ErrOTPRejected, nil, "", true},
		{"400 with 900901 is auth, not the code", 400, `{"code":"900901","message":"Invalid Credentials"}`, hfr.ErrUnauthorized, hfr.ErrOTPRejected, "900901", false},
		{"unknown facility", 404, `{"code":"HIS-404","message":"Facility not found"}`, hfr.ErrNotFound, hfr.ErrOTPRejected, "HIS-404", false},
		{"outage", 500, `{"code":"HIS-500","message":"Internal"}`, hfr.ErrUnavailable, hfr.ErrOTPRejected, "HIS-500", false},
		{"a proxy's 400 page is not a wrong code", 400, `<html><head><title>400 Bad Request</title></head><body><center>nginx</center></body></html>`, hfr.ErrUnavailable, hfr.ErrOTPRejected, "", false},
		// Errors inside a 200 body are judged by their code like any other:
		// an outage or a refused session is not a wrong code.
		{"outage inside a 200 body", 200, `{"facilityId":"IN2910000123","status":"failure","errorStatus":{"code":"HIS-503","message":"Service Unavailable"}}`, hfr.ErrUnavailable, hfr.ErrOTPRejected, "HIS-503", false},
		{"refused session inside a 200 body", 200, `{"error":{"code":"900901","message":"Invalid Credentials"}}`, hfr.ErrUnauthorized, hfr.ErrOTPRejected, "900901", false},
		{"proxy timeout is not a wrong code", 408, `Request Timeout`, hfr.ErrUnavailable, hfr.ErrOTPRejected, "", false},
		{"unknown shape", 200, `{"ok":true}`, hfr.ErrUnexpectedResponse, nil, "", false},
		// Two answers for this facility that disagree prove nothing,
		// whichever comes first.
		{"success then failure for this facility", 200, `[{"facilityId":"IN2910000123","status":"success"},{"facilityId":"IN2910000123","status":"failure","message":"Invalid OTP"}]`,
			hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
		{"failure then success for this facility", 200, `[{"facilityId":"IN2910000123","status":"failure","message":"Invalid OTP"},{"facilityId":"in2910000123","status":"Success"}]`,
			hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
		{"success then an error for this facility", 200, `[{"facilityId":"IN2910000123","status":"success"},{"facilityId":"IN2910000123","status":"success","errorStatus":{"code":"HIS-2022","message":"Invalid OTP"}}]`,
			hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
		{"the same success twice", 200, `[{"facilityId":"IN2910000123","status":"success"},{"facilityId":"IN2910000123","status":"SUCCESS"}]`, nil, nil, "", false},
		// A member named twice is read as the last by one parser, the
		// first by another: it proves nothing either.
		{"status named twice", 200, `{"facilityId":"IN2910000123","status":"failure","status":"success"}`, hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
		{"errorStatus named twice", 200, `{"facilityId":"IN2910000123","status":"success","errorStatus":{"code":"HIS-2022","message":"Invalid OTP"},"errorStatus":null}`, hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
		{"nested name twice", 200, `[{"facilityId":"IN2910000123","status":"success","errorStatus":{"code":"HIS-2022","code":null}}]`, hfr.ErrUnexpectedResponse, hfr.ErrOTPRejected, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, hfr.WithOTPSource("HCX", "hcx-operator-1")).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, validateURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
				assert.Equal(t, map[string]any{
					"facilityId": "IN2910000123", "otp": otpCode, "transactionId": otpTxn,
					"source": "HCX", "sourceId": "hcx-operator-1",
				}, decodeBody(t, r))
				return httpmock.NewStringResponse(tt.status, tt.body), nil
			}))
			err := m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", otpTxn, " "+otpCode+" ")
			sends := 1
			if errors.Is(err, hfr.ErrUnauthorized) && tt.status != http.StatusOK {
				sends = 2 // a session token the gateway refused is sent again once with a fresh one
			}
			assert.Equal(t, sends, m.calls(http.MethodPost, validateURL))
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.rejectedOK, errors.Is(err, hfr.ErrOTPRejected))
			if tt.notErr != nil {
				assert.NotErrorIs(t, err, tt.notErr)
			}
			if tt.wantCode != "" {
				var apiErr *hfr.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
			assert.NotContains(t, err.Error(), otpCode)
		})
	}
}

func TestOTPNeverInErrors(t *testing.T) {
	t.Parallel()
	// A registry that echoes what it was sent must not leak the code.
	echoes := []struct {
		name   string
		status int
		body   string
	}{
		{"in errorStatus", 200, `{"status":"failure","errorStatus":{"code":"HIS-2022","message":"OTP ` + otpCode + ` is invalid"}}`},
		{"in a failure message", 200, `{"status":"failure","message":"OTP ` + otpCode + ` expired"}`},
		{"in a 422", 422, `{"code":"HIS-422","details":[{"code":"HIS-2022","message":"otp=` + otpCode + `"}]}`},
		{"in plain text", 400, `bad otp ` + otpCode},
		{"with the secret too", 400, `{"code":"HIS-400","message":"client ` + testSecret + ` otp ` + otpCode + `"}`},
	}
	for _, tt := range echoes {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, validateURL, httpmock.NewStringResponder(tt.status, tt.body))
			err := m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", otpTxn, otpCode)
			require.ErrorIs(t, err, hfr.ErrOTPRejected)
			assert.NotContains(t, err.Error(), otpCode)
			assert.NotContains(t, err.Error(), testSecret)
			assert.Contains(t, err.Error(), "[redacted]")
		})
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, searchURL,
		httpmock.NewStringResponder(400, `{"code":"HIS-400","message":"bad header Bearer `+token(1)+`"}`))
	_, err := m.c.Facility(context.Background(), "IN2910000123")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), token(1))
	assert.Contains(t, err.Error(), "Bearer [redacted]")
}
