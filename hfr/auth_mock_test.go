package hfr_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

const (
	authInitURL       = registryURL + "/api/v1/auth/init"
	confirmAadhaarURL = registryURL + "/api/v1/auth/confirmWithAadhaarOtp"
	confirmMobileURL  = registryURL + "/api/v1/auth/confirmWithMobileOTP"
	accountURL        = registryURL + "/v1/account/information?masked=true"

	hprTxn      = "0c5f7e1a-4b2d-4e8f-9a61-2d3c4b5a6f70"
	personToken = "person-tok-5d2a91c7"
	ashaNumber  = "71-1234-5678-9012"
)

const ashaAccount = `{"hprIdNumber":"71-1234-5678-9012","hprId":"asha.rao@hpr.abdm","name":"Asha Rao",
"hpCategoryCode":"1","hpSubCategoryCode":"1","role":1,"kycVerified":true,"hprRegistrationStatus":"ACTIVE"}`

func TestStartHPRAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		id       string
		method   hfr.HPRAuthMethod
		profile  httpmock.Responder // nil: the profile is never asked for
		init     httpmock.Responder // nil: the code is never asked for
		wantBody map[string]any
		want     hfr.HPRAuthTransaction
		wantErr  error
	}{
		{name: "aadhaar OTP by address", id: "71123456789012", method: hfr.HPRAadhaarOTP,
			profile:  jsonResponder(200, profileBody),
			init:     jsonResponder(200, `{"txnId":"`+hprTxn+`","mobileNumber":"******1905"}`),
			wantBody: map[string]any{"idType": "hpr_id", "domainName": "@hpr.abdm", "authMethod": "AADHAAR_OTP", "hprId": "asha.rao@hpr.abdm"},
			want:     hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRAadhaarOTP, TransactionID: hprTxn, MaskedMobile: "******1905"}},
		{name: "mobile OTP by number; clear mobile is masked", id: ashaNumber, method: hfr.HPRMobileOTP,
			profile:  jsonResponder(200, `{"hprIdNumber":"71-1234-5678-9012","name":"Asha Rao","authMethods":["MOBILE_OTP"]}`),
			init:     jsonResponder(200, `{"transactionId":"`+hprTxn+`","mobileNumber":"9000001905"}`),
			wantBody: map[string]any{"idType": "", "domainName": "", "authMethod": "MOBILE_OTP", "hprId": ashaNumber},
			want:     hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRMobileOTP, TransactionID: hprTxn, MaskedMobile: "******1905"}},
		{name: "profile without authMethods: HPR decides", id: ashaNumber, method: hfr.HPRMobileOTP,
			profile:  jsonResponder(200, `{"hprIdNumber":"71-1234-5678-9012","name":"Asha Rao"}`),
			init:     jsonResponder(200, `{"txnId":"`+hprTxn+`"}`),
			wantBody: map[string]any{"idType": "", "domainName": "", "authMethod": "MOBILE_OTP", "hprId": ashaNumber},
			want:     hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRMobileOTP, TransactionID: hprTxn}},

		{name: "method not offered", id: ashaNumber, method: hfr.HPRMobileOTP,
			profile: jsonResponder(200, profileBody), wantErr: hfr.ErrAuthMethodUnavailable},
		{name: "password is never asked for", id: ashaNumber, method: "PASSWORD", wantErr: hfr.ErrAuthMethodUnavailable},
		{name: "malformed id reaches nobody", id: "71-1234", method: hfr.HPRAadhaarOTP, wantErr: hfr.ErrInvalidID},
		{name: "unknown professional", id: ashaNumber, method: hfr.HPRAadhaarOTP,
			profile: jsonResponder(422, `{"code":"HIS-422","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`), wantErr: hfr.ErrNotFound},
		{name: "outage is not retried", id: ashaNumber, method: hfr.HPRAadhaarOTP,
			profile: jsonResponder(200, profileBody), init: jsonResponder(503, `{"code":"HIS-503","message":"down"}`), wantErr: hfr.ErrUnavailable},
		{name: "no txnId", id: ashaNumber, method: hfr.HPRAadhaarOTP,
			profile: jsonResponder(200, profileBody), init: jsonResponder(200, `{"mobileNumber":null}`), wantErr: hfr.ErrUnexpectedResponse},
		{name: "error in a success body", id: ashaNumber, method: hfr.HPRAadhaarOTP,
			profile: jsonResponder(200, profileBody), init: jsonResponder(200, `{"error":{"code":"HIS-2045","message":"Session expired"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			if tt.profile != nil {
				m.mt.RegisterResponder(http.MethodGet, hprURL+ashaNumber, requireToken(1, tt.profile))
			}
			if tt.init != nil {
				m.mt.RegisterResponder(http.MethodPost, authInitURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
					if body := decodeBody(t, r); tt.wantBody != nil {
						assert.Equal(t, tt.wantBody, body)
					}
					return tt.init(r)
				}))
			}
			txn, err := m.c.StartHPRAuth(context.Background(), tt.id, tt.method)
			if tt.profile == nil {
				assert.Zero(t, m.mt.GetTotalCallCount(), "nothing is sent")
			}
			if tt.init == nil {
				assert.Zero(t, m.calls(http.MethodPost, authInitURL), "no code is sent")
			} else {
				assert.Equal(t, 1, m.calls(http.MethodPost, authInitURL), "the code is asked for once")
			}
			if tt.want.TransactionID != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, txn)
				return
			}
			require.Error(t, err)
			assert.Zero(t, txn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				var apiErr *hfr.APIError
				require.ErrorAs(t, err, &apiErr)
			}
		})
	}
}

func TestConfirmHPRAuth(t *testing.T) {
	t.Parallel()
	aadhaar := hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRAadhaarOTP, TransactionID: hprTxn}
	asha := hfr.Professional{
		HPRIDNumber: ashaNumber, HPRID: "asha.rao@hpr.abdm", Name: "Asha Rao", CategoryID: "1", SubCategoryID: "1",
		CouncilVerified: true, Registrations: ashaRegistration, Active: ptr(true), ApplicationStatus: "Approved",
	}
	tokenBody := `{"token":"` + personToken + `","expiresIn":1800,"refreshToken":"r","refreshExpiresIn":10800}`
	tests := []struct {
		name       string
		txn        hfr.HPRAuthTransaction
		otp        string
		confirmURL string
		confirm    httpmock.Responder // nil: never sent
		account    httpmock.Responder // nil: never asked
		want       hfr.Professional
		wantErr    error
	}{
		{name: "aadhaar", txn: aadhaar, otp: " " + otpCode + " ", confirmURL: confirmAadhaarURL,
			confirm: jsonResponder(200, tokenBody), account: jsonResponder(200, ashaAccount), want: asha},
		{name: "code typed in groups, as the SMS shows it", txn: aadhaar, otp: otpCode[:3] + " " + otpCode[3:], confirmURL: confirmAadhaarURL,
			confirm: jsonResponder(200, tokenBody), account: jsonResponder(200, ashaAccount), want: asha},
		{name: "mobile uses its own path", txn: hfr.HPRAuthTransaction{HPRID: "asha.rao@hpr.abdm", Method: hfr.HPRMobileOTP, TransactionID: hprTxn},
			otp: otpCode, confirmURL: confirmMobileURL, confirm: jsonResponder(200, tokenBody), account: jsonResponder(200, ashaAccount), want: asha},
		{name: "name in parts, number masked", txn: hfr.HPRAuthTransaction{HPRID: "asha.rao@hpr.abdm", Method: hfr.HPRAadhaarOTP, TransactionID: hprTxn},
			otp: otpCode, confirmURL: confirmAadhaarURL, confirm: jsonResponder(200, tokenBody),
			account: jsonResponder(200, `{"hprIdNumber":"71-XXXX-XXXX-9012","hprId":"asha.rao@hpr.abdm","firstName":"Asha","middleName":"","lastName":"Rao","hpCategoryCode":"1","hpSubCategoryCode":"1"}`),
			want: hfr.Professional{HPRID: "asha.rao@hpr.abdm", Name: "Asha Rao", CategoryID: "1", SubCategoryID: "1", CouncilVerified: true, Registrations: ashaRegistration,
				Active: ptr(true), ApplicationStatus: "Approved"}},
		{name: "a masked number alone cannot show who it is", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL, confirm: jsonResponder(200, tokenBody),
			account: jsonResponder(200, `{"hprIdNumber":"71-XXXX-XXXX-9012","hprId":"asha.rao@hpr.abdm","name":"Asha Rao"}`), wantErr: hfr.ErrUnexpectedResponse},

		{name: "wrong code", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL,
			confirm: jsonResponder(422, `{"code":"HIS-422","details":[{"code":"HIS-2022","message":"Invalid OTP `+otpCode+`"}]}`), wantErr: hfr.ErrOTPRejected},
		{name: "code not digits reaches nobody", txn: aadhaar, otp: "12ab56", wantErr: hfr.ErrOTPRejected},
		{name: "no transaction", txn: hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: hfr.HPRAadhaarOTP}, otp: otpCode, wantErr: hfr.ErrInvalidID},
		{name: "unknown method", txn: hfr.HPRAuthTransaction{HPRID: ashaNumber, Method: "PASSWORD", TransactionID: hprTxn}, otp: otpCode, wantErr: hfr.ErrAuthMethodUnavailable},
		{name: "outage is not retried", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL,
			confirm: jsonResponder(503, `{"code":"HIS-503","message":"down"}`), wantErr: hfr.ErrUnavailable},
		{name: "no token", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL,
			confirm: jsonResponder(200, `{"expiresIn":1800}`), wantErr: hfr.ErrUnexpectedResponse},
		{name: "HPR authenticated someone else", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL, confirm: jsonResponder(200, tokenBody),
			account: jsonResponder(200, `{"hprIdNumber":"71-9999-5678-9012","hprId":"someone@hpr.abdm","name":"Someone Else"}`), wantErr: hfr.ErrUnexpectedResponse},
		{name: "account refuses the token, echoing it", txn: aadhaar, otp: otpCode, confirmURL: confirmAadhaarURL, confirm: jsonResponder(200, tokenBody),
			account: jsonResponder(401, `{"code":"HIS-401","message":"bad token `+personToken+`"}`), wantErr: hfr.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			if tt.confirm != nil {
				m.mt.RegisterResponder(http.MethodPost, tt.confirmURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
					assert.Equal(t, map[string]any{"otp": otpCode, "txnId": hprTxn}, decodeBody(t, r))
					return tt.confirm(r)
				}))
			}
			if tt.account != nil {
				m.mt.RegisterResponder(http.MethodGet, accountURL, func(r *http.Request) (*http.Response, error) {
					// The professional's own token, never the session's.
					assert.Equal(t, "Bearer "+personToken, r.Header.Get("Authorization"))
					assert.Equal(t, personToken, r.Header.Get("X-Hprid-Auth"))
					return tt.account(r)
				})
				m.mt.RegisterResponder(http.MethodPost, detailsURL, requireToken(1, jsonResponder(200, detailsBody("asha.rao@hpr.abdm", `"true"`))))
			}
			p, err := m.c.ConfirmHPRAuth(context.Background(), tt.txn, tt.otp)
			if tt.confirm == nil {
				assert.Zero(t, m.mt.GetTotalCallCount(), "nothing is sent")
			} else {
				assert.Equal(t, 1, m.calls(http.MethodPost, tt.confirmURL), "the code is sent once")
			}
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, p)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Zero(t, p)
			assert.NotContains(t, err.Error(), otpCode)
			assert.NotContains(t, err.Error(), personToken)
		})
	}
}

func TestOTPMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		methods []string
		want    []hfr.HPRAuthMethod
	}{
		{[]string{"PASSWORD", "MOBILE_OTP", "AADHAAR_OTP"}, []hfr.HPRAuthMethod{hfr.HPRAadhaarOTP, hfr.HPRMobileOTP}},
		{[]string{"mobile_otp"}, []hfr.HPRAuthMethod{hfr.HPRMobileOTP}},
		{[]string{"PASSWORD"}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, hfr.Professional{AuthMethods: tt.methods}.OTPMethods(), "%v", tt.methods)
	}
}

// The methods HPR lists are registry text: quoted in the error only cleaned
// and bounded, so that a misbehaving registry can neither flood nor forge
// log lines through them.
func TestStartHPRAuthMethodsInErrorAreCleaned(t *testing.T) {
	t.Parallel()
	methods := make([]string, 0, 5001)
	methods = append(methods, "PASSWORD\nlevel=ERROR msg=forged")
	for range 5000 {
		methods = append(methods, "PASSWORD")
	}
	b, err := json.Marshal(map[string]any{"hprIdNumber": ashaNumber, "authMethods": methods})
	require.NoError(t, err)
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodGet, hprURL+ashaNumber, jsonResponder(200, string(b)))
	_, err = m.c.StartHPRAuth(context.Background(), ashaNumber, hfr.HPRMobileOTP)
	require.ErrorIs(t, err, hfr.ErrAuthMethodUnavailable)
	assert.NotContains(t, err.Error(), "\n")
	assert.Less(t, len(err.Error()), 600)
	assert.Contains(t, err.Error(), "HPR offers PASSWORD")
}
