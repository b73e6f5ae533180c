package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/safefetch"
)

// testOTPKey is the internal tests' one-time-code key.
var testOTPKey = bytes.Repeat([]byte{7}, 32)

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
		{"certificate URL refused", &onboarding.DetailsError{Field: onboarding.FieldEncryptionCert, Reason: "could not be fetched: the address is not allowed",
			Err: &safefetch.Error{Kind: safefetch.AddressRefused}}, http.StatusUnprocessableEntity, CodeInvalidCertificate, false},
		{"certificate URL down", wrap(&onboarding.DetailsError{Field: onboarding.FieldSigningCertPath, Reason: "could not be fetched: answered HTTP 503",
			Err: &safefetch.Error{Kind: safefetch.HTTPStatus, Status: 503}}), http.StatusUnprocessableEntity, CodeInvalidCertificate, false},
		{"certificate URL too large", &onboarding.DetailsError{Field: onboarding.FieldEncryptionCert, Reason: "could not be fetched: the response is larger than 65536 bytes",
			Err: &safefetch.Error{Kind: safefetch.TooLarge, Limit: 65536}}, http.StatusUnprocessableEntity, CodeInvalidCertificate, false},
		{"certificate URL timed out", &onboarding.DetailsError{Field: onboarding.FieldEncryptionCert, Reason: "could not be fetched: timed out",
			Err: &safefetch.Error{Kind: safefetch.Timeout}}, http.StatusUnprocessableEntity, CodeInvalidCertificate, false},
		{"a fetch outside details", wrap(&safefetch.Error{Kind: safefetch.ConnectionRefused}), http.StatusUnprocessableEntity, CodeInvalidRequest, false},
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

func (f failingStore) SearchParticipantsPage(ctx context.Context, q registry.Query) (registry.Page[hcxonboard.Participant], error) {
	_, err := f.SearchParticipants(ctx, q)
	return registry.Page[hcxonboard.Participant]{}, err
}

// An internal error is logged with its detail and answered without it.
func TestInternalErrorsAreLoggedNotEchoed(t *testing.T) {
	t.Parallel()
	svc, err := onboarding.New(failingStore{registry.NewMemoryStore()}, onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	var logs bytes.Buffer
	staff, err := StaffTokens(map[string]string{"asha": "staff-token-asha-0123456789"})
	require.NoError(t, err)
	h, err := New(svc, WithStaffAuth(staff), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)

	r := httptest.NewRequest(http.MethodPost, "/v1/onboarding/participants/search", strings.NewReader(`{"limit": 5}`))
	r.Header.Set("Authorization", "Bearer staff-token-asha-0123456789")
	r.Header.Set("Content-Type", "application/json")
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

// A certificate URL that cannot be fetched is answered 422, about the
// caller's input, and the answer names no address, port or network
// error.
func TestCertificateFetchFailuresAreUnprocessable(t *testing.T) {
	t.Parallel()
	internal := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(internal.Close)
	_, port, err := net.SplitHostPort(internal.Listener.Addr().String())
	require.NoError(t, err)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := closed.Addr().String()
	_, closedPort, _ := net.SplitHostPort(closedAddr)
	require.NoError(t, closed.Close())
	// The operator's test rig: the closed port is allowed, so the fetch
	// gets as far as a refused connection.
	fetcher, err := safefetch.New(safefetch.WithAllowedHosts(closedAddr))
	require.NoError(t, err)
	svc, err := onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("hcx"), onboarding.WithOTPKey(testOTPKey), onboarding.WithFetcher(fetcher),
		onboarding.WithNotifier(onboarding.NotifierFunc(func(context.Context, onboarding.Message) error { return nil })))
	require.NoError(t, err)
	var logs bytes.Buffer
	h, err := New(svc, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)

	cases := []struct {
		name, url, reason string
	}{
		{"loopback", internal.URL + "/cert.pem", "the address is not allowed (not a public internet address)"},
		{"IPv6 loopback", "https://[::1]:" + port + "/cert.pem", "the address is not allowed (not a public internet address)"},
		{"cloud metadata", "https://169.254.169.254/latest/meta-data/", "the address is not allowed (not a public internet address)"},
		{"private", "https://10.0.0.1/cert.pem", "the address is not allowed (not a public internet address)"},
		{"plain http", "http://" + closedAddr + "/cert.pem", "only https URLs are fetched"},
		{"refused connection", "https://" + closedAddr + "/cert.pem", "the host refused the connection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := detailsStage(t, svc)
			body, err := json.Marshal(onboarding.Details{EndpointURL: "https://hcx.regulator.example/hcx", EncryptionCert: tc.url})
			require.NoError(t, err)
			r := httptest.NewRequest(http.MethodPut, "/v1/onboarding/applications/"+a.ID+"/details", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+h.applicantToken(a.ID))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(t, http.StatusUnprocessableEntity, w.Code, "body: %s", w.Body)
			var e ErrorResponse
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e))
			assert.Equal(t, CodeInvalidCertificate, e.Error.Code)
			assert.Equal(t, "invalid details: encryption_cert: could not be fetched: "+tc.reason, e.Error.Message)
			for _, bad := range []string{"127.0.0.1", "::1", "169.254", "10.0.0.1", port, closedPort, "dial tcp", "connect:"} {
				assert.NotContains(t, w.Body.String(), bad)
			}
			assert.Empty(t, w.Header().Get("Retry-After"), "not an outage")
		})
	}
	for line := range strings.Lines(logs.String()) {
		// Each request's own record is logged; nothing else is.
		assert.Contains(t, line, `"msg":"http request"`, "a URL that cannot be fetched is the caller's fault, not the server's")
		assert.Contains(t, line, `"status":422`)
	}
}

// detailsStage files a regulator's application and settles its reviews,
// so that it waits on step 3.
func detailsStage(t *testing.T, svc *onboarding.Service) *onboarding.Application {
	t.Helper()
	ctx := context.Background()
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	iss, err := sandbox.NewIssuer("sbx-test", key, sandbox.WithValidity(365*24*time.Hour))
	require.NoError(t, err)
	tok, err := iss.Issue(sandbox.Claims{Subject: "reg-1", Roles: []hcxonboard.Role{hcxonboard.RoleRegulator}})
	require.NoError(t, err)
	a, err := svc.Submit(ctx, &hcxonboard.Application{
		ParticipantName: "Fetching Regulator", Roles: []hcxonboard.Role{hcxonboard.RoleRegulator},
		PrimaryEmail: "hcx@regulator.example", PrimaryMobile: "9000010001",
		SandboxCertificate: tok, SandboxParticipantCode: "reg-1",
	})
	require.NoError(t, err)
	for _, task := range a.OpenTasks() {
		if task.Kind == onboarding.KindReview {
			a, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "staff:test", Reason: "checked"})
			require.NoError(t, err)
		}
	}
	require.Equal(t, registry.StageDetails, a.Stage, "reasons: %v", a.Reasons)
	return a
}
