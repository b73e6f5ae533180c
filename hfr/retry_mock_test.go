package hfr_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// failThenHit answers n times with status (and Retry-After when set), then
// with a search hit.
func failThenHit(n int, status int, retryAfter string) httpmock.Responder {
	var mu sync.Mutex
	calls := 0
	return func(*http.Request) (*http.Response, error) {
		mu.Lock()
		calls++
		failing := calls <= n
		mu.Unlock()
		if !failing {
			return httpmock.NewStringResponse(200, hitBody), nil
		}
		resp := httpmock.NewStringResponse(status, `{"code":"HIS-`+strconv.Itoa(status)+`"}`)
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		return resp, nil
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	clock := newClock()
	clock.Advance(-589 * time.Millisecond) // whole seconds, as HTTP dates are
	tests := []struct {
		name       string
		retryAfter string
		wantWait   time.Duration
	}{
		{"delta seconds", "2", 2 * time.Second},
		{"zero", "0", 0},
		{"HTTP date", clock.Now().Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second},
		{"HTTP date in the past", clock.Now().Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, status := range []int{429, 503} {
		for _, tt := range tests {
			t.Run(http.StatusText(status)+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				m := newMock(t, hfr.WithClock(clock.Now), hfr.WithRetry(3, time.Millisecond, 10*time.Second)).withSession(1200)
				m.mt.RegisterResponder(http.MethodPost, searchURL, failThenHit(1, status, tt.retryAfter))
				_, err := m.c.Facility(context.Background(), "IN2910000123")
				require.NoError(t, err)
				assert.Equal(t, []time.Duration{tt.wantWait}, m.sleeps.all())
				assert.Equal(t, 2, m.calls(http.MethodPost, searchURL))
			})
		}
	}
}

func TestRetryAfterBeyondLimits(t *testing.T) {
	t.Parallel()
	t.Run("longer than the max wait", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, hfr.WithRetry(3, time.Millisecond, time.Second)).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, failThenHit(1, 429, "5"))
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrRateLimited)
		assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
		assert.Empty(t, m.sleeps.all())
	})
	t.Run("longer than the caller's deadline", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, failThenHit(1, 503, "3"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := m.c.Facility(ctx, "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrUnavailable)
		assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
		assert.Empty(t, m.sleeps.all())
	})
}

func TestBackoffWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	for _, retryAfter := range []string{"", "soon", "-1"} {
		t.Run("Retry-After "+retryAfter, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, hfr.WithRetry(4, 100*time.Millisecond, 300*time.Millisecond)).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, searchURL, failThenHit(3, 502, retryAfter))
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			require.NoError(t, err)
			waits := m.sleeps.all()
			require.Len(t, waits, 3)
			// Exponential from 100 ms, capped at 300 ms, jittered into [d/2, d].
			for i, bounds := range [][2]time.Duration{{50, 100}, {100, 200}, {150, 300}} {
				assert.GreaterOrEqual(t, waits[i], bounds[0]*time.Millisecond, "wait %d", i)
				assert.LessOrEqual(t, waits[i], bounds[1]*time.Millisecond, "wait %d", i)
			}
		})
	}
}

func TestRetriedStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status  int
		retried bool
		wantErr error
	}{
		{429, true, hfr.ErrRateLimited},
		{502, true, hfr.ErrUnavailable},
		{503, true, hfr.ErrUnavailable},
		{504, true, hfr.ErrUnavailable},
		{500, false, hfr.ErrUnavailable},
		{501, false, hfr.ErrUnavailable},
		{400, false, nil},
		{409, false, nil},
		{422, false, nil},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, searchURL, httpmock.NewStringResponder(tt.status, "no"))
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			var apiErr *hfr.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			want := 1
			if tt.retried {
				want = hfr.DefaultTries
			}
			assert.Equal(t, want, m.calls(http.MethodPost, searchURL))
		})
	}
}

func TestTimeoutRetried(t *testing.T) {
	t.Parallel()
	// Long enough that on a loaded machine only the hanging attempt
	// times out, not the session's or the second attempt.
	m := newMock(t, hfr.WithTimeout(500*time.Millisecond)).withSession(1200)
	hang := func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done() // the attempt's own deadline
		return nil, r.Context().Err()
	}
	m.mt.RegisterResponder(http.MethodPost, searchURL,
		httpmock.Responder(hang).Once().Then(httpmock.NewStringResponder(200, hitBody)))
	f, err := m.c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, "IN2910000123", f.ID)
	assert.Equal(t, 2, m.calls(http.MethodPost, searchURL))
	assert.Len(t, m.sleeps.all(), 1)
}

func TestTransportFailures(t *testing.T) {
	t.Parallel()
	t.Run("a refused connection is not retried", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, httpmock.NewErrorResponder(errors.New("connect: connection refused")))
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		require.ErrorIs(t, err, hfr.ErrUnavailable)
		assert.Contains(t, err.Error(), "connection refused")
		assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
	})
	t.Run("the caller's cancellation is reported as such", func(t *testing.T) {
		t.Parallel()
		m := newMock(t).withSession(1200)
		ctx, cancel := context.WithCancel(context.Background())
		m.mt.RegisterResponder(http.MethodPost, searchURL, func(r *http.Request) (*http.Response, error) {
			cancel()
			return nil, r.Context().Err()
		})
		_, err := m.c.Facility(ctx, "IN2910000123")
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, hfr.ErrUnavailable)
		assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
	})
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		m := newMock(t, hfr.WithSleep(func(context.Context, time.Duration) error {
			cancel()
			return context.Canceled
		})).withSession(1200)
		m.mt.RegisterResponder(http.MethodPost, searchURL, httpmock.NewStringResponder(503, "busy"))
		_, err := m.c.Facility(ctx, "IN2910000123")
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, hfr.ErrUnavailable)
		assert.Contains(t, err.Error(), "gave up waiting to retry")
		assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
	})
}

func TestOTPCallsNeverRetried(t *testing.T) {
	t.Parallel()
	const txn = "0c8f4a55-4d1c-4f7e-9f43-0f1f7b3d2a11"
	calls := []struct {
		name string
		url  string
		do   func(*hfr.Client) error
	}{
		{"send", sendOTPURL, func(c *hfr.Client) error {
			_, err := c.SendFacilityOTP(context.Background(), "IN2910000123")
			return err
		}},
		{"validate", validateURL, func(c *hfr.Client) error {
			return c.ValidateFacilityOTP(context.Background(), "IN2910000123", txn, "481516")
		}},
	}
	answers := []struct {
		status  int
		body    string
		wantErr error
	}{
		{503, "Service Unavailable", hfr.ErrUnavailable},
		{504, "Gateway Timeout", hfr.ErrUnavailable},
		{429, `{"code":"HIS-429","message":"Too Many Requests"}`, hfr.ErrRateLimited},
		{401, `{"code":"900901","message":"Invalid Credentials"}`, hfr.ErrUnauthorized},
	}
	for _, cl := range calls {
		for _, a := range answers {
			t.Run(cl.name+"/"+http.StatusText(a.status), func(t *testing.T) {
				t.Parallel()
				m := newMock(t).withSession(1200)
				m.mt.RegisterResponder(http.MethodPost, cl.url,
					httpmock.NewStringResponder(a.status, a.body).HeaderSet(http.Header{"Retry-After": {"1"}}))
				err := cl.do(m.c)
				require.ErrorIs(t, err, a.wantErr)
				assert.NotErrorIs(t, err, hfr.ErrOTPRejected, "an outage is not a wrong code")
				// A refused session token, which the registry never acted on,
				// is the one answer sent again, once, with a fresh session.
				sends := 1
				if a.status == http.StatusUnauthorized {
					sends = 2
				}
				assert.Equal(t, sends, m.calls(http.MethodPost, cl.url))
				assert.Equal(t, int32(sends), m.sessions.Load())
				assert.Empty(t, m.sleeps.all())
			})
		}
	}
}

func TestRejectedTokenOnOTPIsDropped(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, sendOTPURL, jsonResponder(401, `{"code":"900901","message":"Invalid Credentials"}`))
	m.mt.RegisterResponder(http.MethodPost, searchURL, requireToken(3, jsonResponder(200, hitBody)))
	_, err := m.c.SendFacilityOTP(context.Background(), "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrUnauthorized)
	assert.Equal(t, 2, m.calls(http.MethodPost, sendOTPURL), "one refresh, no more")
	// The next call opens a new session instead of reusing the rejected token.
	_, err = m.c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, int32(3), m.sessions.Load())
	assert.Equal(t, 1, m.calls(http.MethodPost, searchURL))
}
