package hfr_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
)

// newFake starts a seeded fake and a client wired to it; both are closed
// when the test ends.
func newFake(t *testing.T, opts ...hfr.Option) (*hfrtest.Server, *hfr.Client) {
	t.Helper()
	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
	t.Cleanup(srv.Close)
	c, err := srv.Client(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

func TestFakeFacility(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id        string
		wantName  string
		wantDraft bool
		wantErr   error
	}{
		{"IN2910000123", "Sanjeevani Multispeciality Hospital", false, nil},
		{"in2910000123", "Sanjeevani Multispeciality Hospital", false, nil},
		{"IN2710000456", "Shree Ganesh Clinic", true, nil},
		{"IN2910000124", "", false, hfr.ErrNotFound},
	}
	_, c := newFake(t)
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			f, err := c.Facility(context.Background(), tt.id)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantName, f.Name)
			assert.Equal(t, tt.wantDraft, f.IsDraft())
		})
	}
}

func TestFakeContactAndProfessional(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := context.Background()

	contact, err := c.FacilityContact(ctx, "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, hfr.FacilityContact{
		FacilityID: "IN2910000123", FacilityName: "Sanjeevani Multispeciality Hospital", ManagerName: "Dr. Asha Rao",
		MaskedMobile: "******1905", MaskedEmail: "ash*****@example.org", ManagerHPRID: "71-1234-5678-9012",
	}, contact)

	_, err = c.FacilityContact(ctx, "IN2910000999")
	require.ErrorIs(t, err, hfr.ErrNotFound)

	// The manager HFR names is a council-verified doctor in HPR.
	p, err := c.Professional(ctx, contact.ManagerHPRID)
	require.NoError(t, err)
	assert.Equal(t, "Asha Rao", p.Name)
	assert.True(t, p.CouncilVerified)
	require.Len(t, p.Registrations, 1)
	assert.Equal(t, "Karnataka Medical Council", p.Registrations[0].CouncilName)

	byAddress, err := c.Professional(ctx, "asha.rao@hpr.abdm")
	require.NoError(t, err)
	assert.Equal(t, p, byAddress)

	// The number as the HPR card prints it, in groups with spaces.
	spaced, err := c.Professional(ctx, "71 1234 5678 9012")
	require.NoError(t, err)
	assert.Equal(t, p, spaced)

	_, err = c.Professional(ctx, "71-0000-0000-0000")
	require.ErrorIs(t, err, hfr.ErrNotFound, "the fake answers 422 HIS-3008")
}

func TestFakeOTPFlow(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()

	txn, err := c.SendFacilityOTP(ctx, "IN2910000123")
	require.NoError(t, err)
	code, ok := srv.LastOTP("IN2910000123")
	require.True(t, ok)
	assert.Regexp(t, `^\d{6}$`, code)

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	err = c.ValidateFacilityOTP(ctx, "IN2910000123", txn.TransactionID, wrong)
	require.ErrorIs(t, err, hfr.ErrOTPRejected)
	var apiErr *hfr.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "HIS-2022", apiErr.Code)

	require.NoError(t, c.ValidateFacilityOTP(ctx, "IN2910000123", txn.TransactionID, code))
	require.ErrorIs(t, c.ValidateFacilityOTP(ctx, "IN2910000123", txn.TransactionID, code), hfr.ErrOTPRejected, "single use")

	_, err = c.SendFacilityOTP(ctx, "IN2910000999")
	require.ErrorIs(t, err, hfr.ErrNotFound)
}

func TestFakeValidationNeverRetried(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, hfr.WithRetry(3, time.Millisecond, time.Millisecond))
	txn, err := c.SendFacilityOTP(context.Background(), "IN2910000123")
	require.NoError(t, err)
	code, _ := srv.LastOTP("IN2910000123")
	srv.FailNext("/validateOtp", http.StatusServiceUnavailable, 2, "0")
	err = c.ValidateFacilityOTP(context.Background(), "IN2910000123", txn.TransactionID, code)
	require.ErrorIs(t, err, hfr.ErrUnavailable)
	assert.Equal(t, 1, srv.Requests("/validateOtp"))
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		warm     bool // take a token before injecting
		inject   func(*hfrtest.Server)
		wantErr  error
		searches int
		sessions int
	}{
		{"expired token is refreshed", true, func(s *hfrtest.Server) { s.ExpireTokens() }, nil, 2, 2},
		{"503 then success", false, func(s *hfrtest.Server) { s.FailNext("/facility/search", 503, 2, "0") }, nil, 3, 1},
		{"plain-text 502 exhausts the tries", false, func(s *hfrtest.Server) { s.FailNext("/facility/search", 502, 5, "") }, hfr.ErrUnavailable, 3, 1},
		{"429 with Retry-After", false, func(s *hfrtest.Server) { s.FailNext("/facility/search", 429, 1, "0") }, nil, 2, 1},
		{"500 is not retried", false, func(s *hfrtest.Server) { s.FailNext("/facility/search", 500, 1, "") }, hfr.ErrUnavailable, 1, 1},
		{"malformed body", false, func(s *hfrtest.Server) { s.SetMalformed("/facility/search", true) }, hfr.ErrUnexpectedResponse, 1, 1},
		{"session outage", false, func(s *hfrtest.Server) { s.FailNext("/v3/sessions", 503, 1, "0") }, nil, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, hfr.WithRetry(3, time.Millisecond, 10*time.Millisecond))
			if tt.warm {
				_, err := c.Facility(context.Background(), "IN2910000123")
				require.NoError(t, err)
			}
			before := srv.Requests("/facility/search")
			tt.inject(srv)
			_, err := c.Facility(context.Background(), "IN2910000123")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.searches, srv.Requests("/facility/search")-before)
			assert.Equal(t, tt.sessions, srv.SessionRequests())
		})
	}
}

func TestFakeRetryAfterWaited(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	srv.FailNext("/facility/search", http.StatusTooManyRequests, 1, "1")
	start := time.Now()
	_, err := c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "the client waited as asked")
	assert.Equal(t, 2, srv.Requests("/facility/search"))
}

func TestFakeConcurrentCallersShareOneSession(t *testing.T) {
	t.Parallel()
	for _, api := range []hfr.SessionAPI{hfr.V3, hfr.V05} {
		t.Run(api.String(), func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, hfr.WithSessionAPI(api))
			srv.SetLatency(20 * time.Millisecond)
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range errs {
				wg.Go(func() { _, errs[i] = c.Facility(context.Background(), "IN2910000123") })
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			assert.Equal(t, 1, srv.SessionRequests())
			assert.Equal(t, 20, srv.Requests("/facility/search"))
		})
	}
}

// Twenty callers whose token the gateway has revoked all get 401 and all
// go again: with one fresh session between them, not one each.
func TestFakeConcurrentCallersShareOneRenewal(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	_, err := c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	srv.ExpireTokens()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Facility(context.Background(), "IN2910000123") })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 2, srv.SessionRequests(), "the first session and one renewal")
}

func TestFakeWrongCredentials(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c, err := srv.Client(hfr.WithCredentials(hfrtest.DefaultClientID, "wrong-secret-123"))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Facility(context.Background(), "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrUnauthorized)
	var apiErr *hfr.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "ABDM-1922", apiErr.Code)
	assert.NotContains(t, err.Error(), "wrong-secret-123")
	assert.Equal(t, 1, srv.SessionRequests(), "bad credentials are not retried")
}

func TestFakeMalformedIDReachesNobody(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	_, err := c.Facility(context.Background(), "IN-2910000123")
	require.ErrorIs(t, err, hfr.ErrInvalidID)
	_, err = c.Professional(context.Background(), "not-an-id")
	require.ErrorIs(t, err, hfr.ErrInvalidID)
	assert.Equal(t, 0, srv.Requests(""))
}

// A gateway session that expired between two calls is refreshed once for
// the OTP calls too: the gateway refused the first request before HFR or
// HPR saw it, so the code is still sent (and checked) exactly once.
func TestFakeOTPCallsRefreshAnExpiredSession(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.Facility(ctx, "IN2910000123")
	require.NoError(t, err)
	require.Equal(t, 1, srv.SessionRequests())

	srv.ExpireTokens()
	txn, err := c.SendFacilityOTP(ctx, "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, 2, srv.SessionRequests())
	assert.Equal(t, 2, srv.Requests(hfrtest.PathSendOTP), "the refused request and one more")
	code, ok := srv.LastOTP("IN2910000123")
	require.True(t, ok)

	srv.ExpireTokens()
	require.NoError(t, c.ValidateFacilityOTP(ctx, "IN2910000123", txn.TransactionID, code))
	assert.Equal(t, 3, srv.SessionRequests())
	assert.Equal(t, 2, srv.Requests("/validateOtp"))

	srv.ExpireTokens()
	htxn, err := c.StartHPRAuth(ctx, "71-1234-5678-9012", hfr.HPRAadhaarOTP)
	require.NoError(t, err)
	assert.Equal(t, 4, srv.SessionRequests())
	hcode, ok := srv.LastHPROTP("71-1234-5678-9012")
	require.True(t, ok)

	srv.ExpireTokens()
	p, err := c.ConfirmHPRAuth(ctx, htxn, hcode)
	require.NoError(t, err)
	assert.Equal(t, "Asha Rao", p.Name)
	assert.Equal(t, 5, srv.SessionRequests())
}

// A token refused again after the refresh is the answer: the OTP call is
// sent twice at most, and any other failure once.
func TestFakeOTPCallsRefreshOnlyOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status  int
		wantErr error
		sends   int
	}{
		{http.StatusUnauthorized, hfr.ErrUnauthorized, 2},
		{http.StatusServiceUnavailable, hfr.ErrUnavailable, 1},
		{http.StatusInternalServerError, hfr.ErrUnavailable, 1},
		{http.StatusTooManyRequests, hfr.ErrRateLimited, 1},
	} {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv, c := newFake(t, hfr.WithRetry(3, time.Millisecond, time.Millisecond))
			srv.FailNext(hfrtest.PathSendOTP, tt.status, 5, "0")
			_, err := c.SendFacilityOTP(context.Background(), "IN2910000123")
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.sends, srv.Requests(hfrtest.PathSendOTP))
			_, sent := srv.LastOTP("IN2910000123")
			assert.False(t, sent, "no code reached the manager")

			srv.FailNext("/validateOtp", tt.status, 5, "0")
			err = c.ValidateFacilityOTP(context.Background(), "IN2910000123", "0c8f4a55-4d1c-4f7e-9f43-0f1f7b3d2a11", "481516")
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotErrorIs(t, err, hfr.ErrOTPRejected)
			assert.Equal(t, tt.sends, srv.Requests("/validateOtp"))
		})
	}
}
