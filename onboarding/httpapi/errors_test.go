package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("onboarding: doing something: %w", err) }
	cases := []struct {
		name     string
		err      error
		status   int
		code     string
		internal bool
	}{
		{"wrong OTP", wrap(onboarding.ErrInvalidOTP), http.StatusBadRequest, CodeInvalidOTP, false},
		{"wrong OTP, now locked", fmt.Errorf("%w: %w", onboarding.ErrInvalidOTP, onboarding.ErrOTPLocked), http.StatusBadRequest, CodeInvalidOTP, false},
		{"expired OTP", wrap(onboarding.ErrOTPExpired), http.StatusBadRequest, CodeInvalidOTP, false},
		{"too many resends", wrap(onboarding.ErrTooManyResends), http.StatusTooManyRequests, CodeMaximumOTPRegenerate, false},
		{"wrong secret", onboarding.ErrInvalidCredentials, http.StatusUnauthorized, CodeAccessDenied, false},
		{"bad token", wrap(credential.ErrInvalidToken), http.StatusUnauthorized, CodeAccessDenied, false},
		{"not active", wrap(onboarding.ErrNotActive), http.StatusForbidden, CodeAccessDenied, false},
		{"bad endpoint", &onboarding.DetailsError{Field: onboarding.FieldEndpointURL, Reason: "must be https"}, http.StatusBadRequest, CodeInvalidParticipantDetails, false},
		{"bad encryption cert", wrap(&onboarding.DetailsError{Field: onboarding.FieldEncryptionCert, Reason: "RSA key too small"}), http.StatusBadRequest, CodeInvalidCertificate, false},
		{"bad signing cert", &onboarding.DetailsError{Field: onboarding.FieldSigningCertPath, Reason: "expired"}, http.StatusBadRequest, CodeInvalidCertificate, false},
		{"illegal transition", &onboarding.TransitionError{Action: "go_live", From: "verifying"}, http.StatusConflict, CodeInvalidOnboardStatus, false},
		{"not ready", wrap(onboarding.ErrNotReady), http.StatusConflict, CodeInvalidOnboardStatus, false},
		{"already provisioned", wrap(onboarding.ErrAlreadyProvisioned), http.StatusConflict, CodeInvalidOnboardStatus, false},
		{"rejected", onboarding.ErrRejected, http.StatusConflict, CodeInvalidOnboardStatus, false},
		{"not found", wrap(onboarding.ErrNotFound), http.StatusNotFound, CodeInvalidRequest, false},
		{"participant code not found", participantCodeError(wrap(onboarding.ErrNotFound)), http.StatusNotFound, CodeInvalidParticipantCode, false},
		{"bad query", wrap(registry.ErrInvalidQuery), http.StatusBadRequest, CodeInvalidSearch, false},
		{"conflict", wrap(onboarding.ErrConflict), http.StatusConflict, CodeInvalidRequest, false},
		{"invalid argument", wrap(onboarding.ErrInvalidArgument), http.StatusBadRequest, CodeInvalidRequest, false},
		{"bad application", wrap(hcxonboard.ErrInvalidApplication), http.StatusBadRequest, CodeInvalidPayload, false},
		{"too large", wrap(hcxonboard.ErrTooLarge), http.StatusRequestEntityTooLarge, CodeInvalidPayload, false},
		{"max bytes", &http.MaxBytesError{Limit: 10}, http.StatusRequestEntityTooLarge, CodeInvalidPayload, false},
		{"registry down", wrap(onboarding.ErrUnavailable), http.StatusServiceUnavailable, CodeServiceUnavailable, false},
		{"not delivered", wrap(onboarding.ErrNotDelivered), http.StatusServiceUnavailable, CodeServiceUnavailable, false},
		{"not configured", wrap(onboarding.ErrNotConfigured), http.StatusNotImplemented, CodeServiceUnavailable, true},
		{"cancelled", wrap(context.Canceled), http.StatusServiceUnavailable, CodeServiceUnavailable, true},
		{"unknown", errors.New("sql: connection refused at 10.1.2.3"), http.StatusInternalServerError, CodeInternal, true},
		{"api error", newError(http.StatusTeapot, "ERR_X", "short and stout"), http.StatusTeapot, "ERR_X", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := classify(tc.err)
			assert.Equal(t, tc.status, c.status)
			assert.Equal(t, tc.code, c.code)
			assert.Equal(t, tc.internal, c.internal)
			if tc.internal {
				assert.NotContains(t, c.message, tc.err.Error(), "internal detail is not echoed")
			}
		})
	}
}

// failingStore is a store whose searches fail the way a broken database
// would.
type failingStore struct {
	*registry.MemoryStore
}

func (failingStore) SearchParticipants(context.Context, registry.Query) ([]hcxonboard.Participant, error) {
	return nil, errors.New("sqlite: disk I/O error on /var/lib/hcx/registry.db")
}

// An internal error is logged with its detail and answered without it.
func TestInternalErrorsAreLoggedNotEchoed(t *testing.T) {
	t.Parallel()
	svc, err := onboarding.New(failingStore{registry.NewMemoryStore()}, onboarding.WithInstanceCode("hcx"),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	var logs bytes.Buffer
	staff, err := StaffTokens(map[string]string{"asha": "staff-token-asha-0123456789"})
	require.NoError(t, err)
	h, err := New(svc, WithStaffAuth(staff), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)

	r := httptest.NewRequest(http.MethodPost, "/v1/onboarding/participants/search", strings.NewReader(`{"limit": 5}`))
	r.Header.Set("Authorization", "Bearer staff-token-asha-0123456789")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, http.StatusInternalServerError, w.Code)
	var e ErrorResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
	assert.Equal(t, CodeInternal, e.Error.Code)
	assert.Equal(t, "internal server error", e.Error.Message)
	assert.NotContains(t, w.Body.String(), "disk I/O")
	assert.Contains(t, logs.String(), "disk I/O error")
	assert.Contains(t, logs.String(), "POST /v1/onboarding/participants/search")
	assert.NotContains(t, logs.String(), "staff-token-asha", "credentials are never logged")
}

func TestClipMessage(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "short", clipMessage("short"))
	long := strings.Repeat("é", maxMessage) // two bytes each
	got := clipMessage(long)
	assert.LessOrEqual(t, len(got), maxMessage+len("…"))
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.True(t, json.Valid([]byte(fmt.Sprintf("%q", got))))
	assert.NotContains(t, got, "\uFFFD")
}
