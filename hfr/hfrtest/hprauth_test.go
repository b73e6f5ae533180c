package hfrtest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// TestHPRAuthFlow runs HPR's authentication of a professional with the real
// client against the fake, both OTP methods, accepting and refusing.
func TestHPRAuthFlow(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	wrong := func(code string) string {
		if code == "000000" {
			return "111111"
		}
		return "000000"
	}

	tests := []struct {
		name    string
		id      string
		method  hfr.HPRAuthMethod
		startOK bool
		wantErr error // of StartHPRAuth
		name2   string
	}{
		{name: "aadhaar OTP by number", id: "71-1234-5678-9012", method: hfr.HPRAadhaarOTP, startOK: true, name2: "Asha Rao"},
		{name: "mobile OTP by address", id: "meenakshi.k@hpr.abdm", method: hfr.HPRMobileOTP, startOK: true, name2: "K. Meenakshi"},
		{name: "mobile OTP not offered", id: "71-2345-6789-0123", method: hfr.HPRMobileOTP, wantErr: hfr.ErrAuthMethodUnavailable},
		{name: "password only", id: "71-4567-8901-2345", method: hfr.HPRAadhaarOTP, wantErr: hfr.ErrAuthMethodUnavailable},
		{name: "unknown professional", id: "71-0000-0000-0000", method: hfr.HPRAadhaarOTP, wantErr: hfr.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			txn, err := c.StartHPRAuth(ctx, tt.id, tt.method)
			if !tt.startOK {
				require.ErrorIs(t, err, tt.wantErr)
				_, sent := srv.LastHPROTP(tt.id)
				assert.False(t, sent, "no code was sent")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.method, txn.Method)
			assert.Regexp(t, `^\*+\d{4}$`, txn.MaskedMobile)
			code, ok := srv.LastHPROTP(tt.id)
			require.True(t, ok)
			assert.Regexp(t, `^\d{6}$`, code)

			_, err = c.ConfirmHPRAuth(ctx, txn, wrong(code))
			require.ErrorIs(t, err, hfr.ErrOTPRejected)
			assert.NotContains(t, err.Error(), wrong(code))

			other := txn
			if other.Method == hfr.HPRAadhaarOTP {
				other.Method = hfr.HPRMobileOTP
			} else {
				other.Method = hfr.HPRAadhaarOTP
			}
			_, err = c.ConfirmHPRAuth(ctx, other, code)
			require.ErrorIs(t, err, hfr.ErrOTPRejected, "a code is confirmed on its own method's path")

			p, err := c.ConfirmHPRAuth(ctx, txn, code)
			require.NoError(t, err)
			assert.Equal(t, tt.name2, p.Name)
			assert.True(t, p.CouncilVerified)
			assert.NotEmpty(t, p.Registrations)

			_, err = c.ConfirmHPRAuth(ctx, txn, code)
			require.ErrorIs(t, err, hfr.ErrOTPRejected, "single use")
		})
	}
}

func TestHPRAuthRules(t *testing.T) {
	t.Parallel()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	token := tokenFor(t, srv)
	start := func() string {
		a := do(t, srv, call{path: hfrtest.PathHPRAuthInit, headers: bearer(token),
			body: `{"idType":"hpr_id","domainName":"@hpr.abdm","authMethod":"AADHAAR_OTP","hprId":"asha.rao@hpr.abdm"}`})
		require.Equal(t, 200, a.status, a.raw)
		return a.json["txnId"].(string)
	}
	confirm := func(txn, otp string) answer {
		return do(t, srv, call{path: hfrtest.PathHPRConfirmAadhaar, headers: bearer(token), body: `{"otp":"` + otp + `","txnId":"` + txn + `"}`})
	}

	t.Run("too many wrong codes end the transaction", func(t *testing.T) {
		txn := start()
		code, _ := srv.LastHPROTP("71-1234-5678-9012")
		for range hfrtest.MaxOTPAttempts {
			a := confirm(txn, code+"0")
			assert.Equal(t, 422, a.status)
			assert.Equal(t, "HIS-2022", errorCode(a))
		}
		assert.Equal(t, 422, confirm(txn, code).status)
	})
	t.Run("account needs the professional's token", func(t *testing.T) {
		txn := start()
		code, _ := srv.LastHPROTP("asha.rao@hpr.abdm")
		a := confirm(txn, code)
		require.Equal(t, 200, a.status)
		person := a.json["token"].(string)
		a = do(t, srv, call{method: http.MethodGet, path: hfrtest.PathHPRAccount, headers: bearer(token)})
		assert.Equal(t, 401, a.status, "the gateway's token is not a professional's")
		a = do(t, srv, call{method: http.MethodGet, path: hfrtest.PathHPRAccount, headers: bearer(person)})
		require.Equal(t, 200, a.status)
		assert.Equal(t, "71-1234-5678-9012", a.json["hprIdNumber"])
		srv.ExpireTokens()
		a = do(t, srv, call{method: http.MethodGet, path: hfrtest.PathHPRAccount, headers: bearer(person)})
		assert.Equal(t, 401, a.status)
	})
	t.Run("init needs the gateway token", func(t *testing.T) {
		a := do(t, srv, call{path: hfrtest.PathHPRAuthInit, body: `{"authMethod":"AADHAAR_OTP","hprId":"asha.rao@hpr.abdm"}`})
		assert.Equal(t, 401, a.status)
	})
}
