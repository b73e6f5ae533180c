package hfr_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

const profileBody = `{"hprIdNumber":"71-1234-5678-9012","name":"Asha Rao","authMethods":["PASSWORD","AADHAAR_OTP"],
"hprId":"asha.rao@hpr.abdm","categoryId":1,"subCategoryId":"1"}`

func detailsBody(hprID, verified string) string {
	return `{"practitioners":[[{"identifier":"71-1234-5678-9012","active":true,"name":"Asha Rao","hpr_id":"` + hprID + `",
"registrations":[{"identifier":"1","category":"Doctor","councilName":"Karnataka Medical Council","registrationNumber":"KMC-45871",
"registrationDate":"2009-07-14","isRenewable":true,"dueDate":"2029-07-13"}],"qualifications":[],
"application_status":"Approved","is_council_verified":` + verified + `,"mobileNumber":"******1905"}]],"message":"Data fetched successfully"}`
}

var ashaRegistration = []hfr.Registration{{
	Category: "Doctor", CouncilName: "Karnataka Medical Council", RegistrationNumber: "KMC-45871",
	RegistrationDate: "2009-07-14", DueDate: "2029-07-13",
}}

func TestProfessionalLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		id       string
		path     string
		details  httpmock.Responder
		verified bool
		regs     []hfr.Registration
		active   *bool
		status   string
	}{
		{"dashed number", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, detailsBody("asha.rao@hpr.abdm", `"true"`)), true, ashaRegistration, ptr(true), "Approved"},
		{"plain number is sent dashed", "71123456789012", "71-1234-5678-9012",
			jsonResponder(200, detailsBody("71123456789012", `"true"`)), true, ashaRegistration, ptr(true), "Approved"},
		{"address", "Asha.Rao@hpr.abdm", "asha.rao@hpr.abdm",
			jsonResponder(200, detailsBody("asha.rao", `true`)), true, ashaRegistration, ptr(true), "Approved"},
		{"council flag false", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, detailsBody("asha.rao@hpr.abdm", `"false"`)), false, ashaRegistration, ptr(true), "Approved"},
		{"flat practitioners list", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, `{"practitioners":[{"hpr_id":"71-1234-5678-9012","is_council_verified":"TRUE","registrations":[]}]}`), true, nil, nil, ""},
		{"the same record twice", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, `{"practitioners":[{"hpr_id":"71-1234-5678-9012","is_council_verified":"TRUE"},{"hpr_id":"asha.rao@hpr.abdm","is_council_verified":"true","registrations":[]}]}`), true, nil, nil, ""},
		// A professional registered with more than one council may be
		// listed once per registration: the first record's registrations
		// are kept, as before.
		{"records with other registrations", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, `{"practitioners":[[{"hpr_id":"asha.rao@hpr.abdm","is_council_verified":"true","registrations":[{"category":"Doctor","councilName":"Karnataka Medical Council","registrationNumber":"KMC-45871","registrationDate":"2009-07-14","dueDate":"2029-07-13"}]}],[{"hpr_id":"asha.rao","is_council_verified":"true","registrations":[{"councilName":"X"}]}]]}`), true, ashaRegistration, nil, ""},
		{"details for someone else are ignored", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, `{"practitioners":[[{"identifier":"71-9999-5678-9012","hpr_id":"someone@hpr.abdm","is_council_verified":"true","registrations":[{"councilName":"X"}]}]]}`), false, nil, nil, ""},
		{"no details", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(200, `{"practitioners":[],"message":"No data found"}`), false, nil, nil, ""},
		{"details not found", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(404, ``), false, nil, nil, ""},
		{"details HIS-3008", "71-1234-5678-9012", "71-1234-5678-9012",
			jsonResponder(422, `{"code":"HIS-422","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`), false, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodGet, hprURL+tt.path, requireToken(1, jsonResponder(200, profileBody)))
			m.mt.RegisterResponder(http.MethodPost, detailsURL, requireToken(1, func(r *http.Request) (*http.Response, error) {
				assert.Equal(t, map[string]any{"practitioner": map[string]any{"id": "71-1234-5678-9012"}}, decodeBody(t, r))
				return tt.details(r)
			}))
			p, err := m.c.Professional(context.Background(), tt.id)
			require.NoError(t, err)
			assert.Equal(t, hfr.Professional{
				HPRIDNumber: "71-1234-5678-9012", HPRID: "asha.rao@hpr.abdm", Name: "Asha Rao",
				CategoryID: "1", SubCategoryID: "1", AuthMethods: []string{"PASSWORD", "AADHAAR_OTP"},
				CouncilVerified: tt.verified, Registrations: tt.regs,
				Active: tt.active, ApplicationStatus: tt.status,
			}, p)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestProfessionalActiveAndStatus reads HPR's active flag and application
// status from the professional details: a flag HPR did not send stays nil,
// apart from false.
func TestProfessionalActiveAndStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		state  string
		active *bool
		status string
	}{
		{"true", `"active":true,"application_status":"Approved",`, ptr(true), "Approved"},
		{"false", `"active":false,"application_status":"Approved",`, ptr(false), "Approved"},
		{"string true", `"active":"True",`, ptr(true), ""},
		{"string false", `"active":"false",`, ptr(false), ""},
		{"number", `"active":0,`, ptr(false), ""},
		{"absent", ``, nil, ""},
		{"null", `"active":null,"application_status":null,`, nil, ""},
		{"empty string", `"active":"","application_status":"  ",`, nil, ""},
		{"unreadable: not taken as active", `"active":"pending",`, ptr(false), ""},
		{"object: not taken as active", `"active":{"value":true},`, ptr(false), ""},
		{"status padded", `"application_status":" Pending ",`, nil, "Pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodGet, hprURL+"71-1234-5678-9012", jsonResponder(200, profileBody))
			m.mt.RegisterResponder(http.MethodPost, detailsURL, jsonResponder(200,
				`{"practitioners":[[{"identifier":71123456789012,"hpr_id":"asha.rao@hpr.abdm",`+tt.state+`"is_council_verified":"true","registrations":[]}]]}`))
			p, err := m.c.Professional(context.Background(), "71-1234-5678-9012")
			require.NoError(t, err)
			assert.Equal(t, tt.active, p.Active)
			assert.Equal(t, tt.status, p.ApplicationStatus)
			assert.True(t, p.CouncilVerified)
		})
	}
}

func TestProfessionalFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		details     httpmock.Responder
		wantErr     error
		wantCode    string
		notNotFound bool
	}{
		{"404", 404, ``, nil, hfr.ErrNotFound, "", false},
		{"404 HTML page", 404, nginx404, nil, hfr.ErrUnavailable, "", true},
		{"422 HIS-3008", 422, `{"code":"HIS-422","message":"Unprocessable","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`, nil, hfr.ErrNotFound, "HIS-3008", false},
		{"422 other code", 422, `{"code":"HIS-422","details":[{"code":"HIS-1002","message":"Empty"}]}`, nil, nil, "HIS-1002", true},
		{"profile for someone else", 200, `{"hprIdNumber":"71-9999-5678-9012","hprId":"other@hpr.abdm"}`, nil, hfr.ErrUnexpectedResponse, "", true},
		{"profile without ids", 200, `{"name":"Asha Rao"}`, nil, hfr.ErrUnexpectedResponse, "", true},
		{"errorStatus", 200, `{"hprIdNumber":"71-1234-5678-9012","errorStatus":{"code":"HIS-3028","message":"Role not valid"}}`, nil, nil, "HIS-3028", true},
		{"details down", 200, profileBody, jsonResponder(503, `Service Unavailable`), hfr.ErrUnavailable, "", true},
		{"details malformed", 200, profileBody, jsonResponder(200, `{"practitioners":[[{"hpr_id":{"x":1},"registrations":"none"}]]}`), hfr.ErrUnexpectedResponse, "", true},
		// Two records of this professional that disagree prove nothing,
		// whichever comes first.
		{"verified then not verified", 200, profileBody, jsonResponder(200, `{"practitioners":[[{"hpr_id":"asha.rao@hpr.abdm","is_council_verified":"true"}],[{"identifier":"71-1234-5678-9012","is_council_verified":"false"}]]}`), hfr.ErrUnexpectedResponse, "", true},
		{"inactive then active", 200, profileBody, jsonResponder(200, `{"practitioners":[{"hpr_id":"71-1234-5678-9012","is_council_verified":"true","active":false},{"hpr_id":"asha.rao@hpr.abdm","is_council_verified":"true","active":true}]}`), hfr.ErrUnexpectedResponse, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodGet, hprURL+"71-1234-5678-9012", jsonResponder(tt.status, tt.body))
			if tt.details != nil {
				m.mt.RegisterResponder(http.MethodPost, detailsURL, tt.details)
			}
			p, err := m.c.Professional(context.Background(), "71-1234-5678-9012")
			require.Error(t, err)
			assert.Equal(t, hfr.Professional{}, p)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			if tt.notNotFound {
				assert.NotErrorIs(t, err, hfr.ErrNotFound)
			}
			if tt.wantCode != "" {
				var apiErr *hfr.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
			if tt.details == nil {
				assert.Equal(t, 0, m.calls(http.MethodPost, detailsURL), "no details for a failed search")
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newMock(t, hfr.WithLogger(logger)).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, searchURL, failThenHit(1, 503, "0"))
	m.mt.RegisterResponder(http.MethodPost, validateURL, httpmock.NewStringResponder(200,
		`{"status":"failure","message":"otp `+otpCode+` for client `+testSecret+` token `+token(1)+`"}`))
	m.mt.RegisterResponder(http.MethodPost, sendOTPURL, httpmock.NewErrorResponder(assert.AnError))

	_, err := m.c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	require.Error(t, m.c.ValidateFacilityOTP(context.Background(), "IN2910000123", otpTxn, otpCode))
	_, err = m.c.SendFacilityOTP(context.Background(), "IN2910000123")
	require.Error(t, err)

	out := buf.String()
	assert.Contains(t, out, `"op":"facility search"`)
	assert.Contains(t, out, `"status":503`)
	assert.Contains(t, out, `hfr: retrying`)
	assert.Contains(t, out, `"level":"WARN"`, "a transport failure is a warning")
	for _, secret := range []string{testSecret, token(1), otpCode} {
		assert.NotContains(t, out, secret)
	}
}

// An error text from HFR that names a person's e-mail or mobile reaches
// the log masked.
func TestLogsMaskContactsInRegistryErrors(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newMock(t, hfr.WithLogger(logger)).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, sendOTPURL, httpmock.NewErrorResponder(
		errors.New("relay refused: manager ravi.kumar@hospital.example at 9845012345 unreachable")))
	_, err := m.c.SendFacilityOTP(context.Background(), "IN2910000123")
	require.Error(t, err)
	out := buf.String()
	require.Contains(t, out, "relay refused", "the failure is logged")
	assert.NotContains(t, out, "ravi.kumar@")
	assert.NotContains(t, out, "9845012345")
}

// The professional details are optional: a host that answers their path
// with a 404 page leaves the profile without them, as an empty 404 does.
func TestProfessionalDetailsPageIsNoDetails(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodGet, hprURL+"71-1234-5678-9012", jsonResponder(200, profileBody))
	m.mt.RegisterResponder(http.MethodPost, detailsURL, httpmock.NewStringResponder(404, nginx404))
	p, err := m.c.Professional(context.Background(), "71-1234-5678-9012")
	require.NoError(t, err)
	assert.Equal(t, "71-1234-5678-9012", p.HPRIDNumber)
	assert.Empty(t, p.Registrations)
}
