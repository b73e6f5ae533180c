package hfr_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A 401 that names the registry's own cause (an HIS code about the OTP)
// was seen by the registry: the code was checked, and sending it again
// with a fresh session would count a wrong code twice against the
// manager or professional. Only a 401 about the gateway session (the API
// manager's 900901, or no registry code) is sent once more.
func TestOTPNotResentOnRegistry401(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		sends    int
		sessions int32
		rejected bool
		wantCode string
	}{
		{"wrong code answered 401", `{"code":"HIS-401","message":"Unauthorized","details":[{"code":"HIS-2022","message":"Invalid OTP"}]}`, 1, 1, true, "HIS-2022"},
		{"expired request answered 401", `{"code":"HIS-2031","message":"Request expired"}`, 1, 1, true, "HIS-2031"},
		{"gateway token refused", `{"code":"900901","message":"Invalid Credentials"}`, 2, 2, false, "900901"},
		// Codes that speak of an expired session or token may mean the
		// gateway's: the call goes once more with a fresh session, and a
		// second such answer is the registry's own.
		{"session expired", `{"code":"HIS-401","details":[{"code":"HIS-2045","message":"Session expired"}]}`, 2, 2, true, "HIS-2045"},
		{"token expired", `{"code":"HIS-401","details":[{"code":"HIS-5011","message":"Token expired"}]}`, 2, 2, false, "HIS-5011"},
		{"401 without a registry code", `Unauthorized`, 2, 2, false, ""},
	}
	for _, tt := range tests {
		t.Run("validate facility OTP: "+tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, validateURL, jsonResponder(401, tt.body))
			err := m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", otpTxn, otpCode)
			require.Error(t, err)
			assert.Equal(t, tt.sends, m.calls(http.MethodPost, validateURL), "times the code reached HFR")
			assert.Equal(t, tt.sessions, m.sessions.Load())
			assert.Equal(t, tt.rejected, errors.Is(err, hfr.ErrOTPRejected))
			var apiErr *hfr.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.wantCode, apiErr.Code)
			assert.NotContains(t, err.Error(), otpCode)
		})
		t.Run("confirm HPR authentication: "+tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, confirmAadhaarURL, jsonResponder(401, tt.body))
			txn := hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRAadhaarOTP, TransactionID: hprTxn}
			_, err := m.c.ConfirmHPRAuth(context.Background(), txn, otpCode)
			require.Error(t, err)
			assert.Equal(t, tt.sends, m.calls(http.MethodPost, confirmAadhaarURL), "times the code reached HPR")
			assert.Equal(t, tt.rejected, errors.Is(err, hfr.ErrOTPRejected))
		})
	}
	// A request for a new code that the registry refuses with 401 and a
	// cause of its own is not sent again: a second send would text the
	// manager a second code.
	t.Run("send facility OTP", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, sendOTPURL, jsonResponder(401, `{"code":"HIS-401","details":[{"code":"HIS-1124","message":"Bridge not linked"}]}`))
		_, err := m.c.SendFacilityOTP(context.Background(), "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrUnauthorized)
		assert.Equal(t, 1, m.calls(http.MethodPost, sendOTPURL))
	})
	// A look-up is idempotent: any 401 still refreshes the session once.
	t.Run("look-up still refreshes", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(401, `{"code":"HIS-401","details":[{"code":"HIS-2045","message":"Session expired"}]}`))
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrUnauthorized)
		assert.Equal(t, 2, m.calls(http.MethodPost, searchURL))
	})
}
