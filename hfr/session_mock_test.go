package hfr_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/google/uuid"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

func TestSessionRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []hfr.Option
		url      string
		wantBody map[string]any
		wantCMID string
	}{
		{"v3 sandbox", nil, sessionV3,
			map[string]any{"clientId": testClientID, "clientSecret": testSecret, "grantType": "client_credentials"}, "sbx"},
		{"v3 production", []hfr.Option{hfr.WithEnvironment(hfr.Production)}, sessionV3,
			map[string]any{"clientId": testClientID, "clientSecret": testSecret, "grantType": "client_credentials"}, "abdm"},
		{"v0.5", []hfr.Option{hfr.WithSessionAPI(hfr.V05)}, sessionV05,
			map[string]any{"clientId": testClientID, "clientSecret": testSecret}, "sbx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, tt.opts...)
			m.mt.RegisterResponder(http.MethodPost, tt.url, func(r *http.Request) (*http.Response, error) {
				assert.Equal(t, tt.wantBody, decodeBody(t, r))
				assert.Equal(t, tt.wantCMID, r.Header.Get("X-CM-ID"))
				_, err := uuid.Parse(r.Header.Get("REQUEST-ID"))
				assert.NoError(t, err)
				_, err = time.Parse("2006-01-02T15:04:05.000Z", r.Header.Get("TIMESTAMP"))
				assert.NoError(t, err)
				assert.Empty(t, r.Header.Get("Authorization"))
				return m.sessionResponder(1200)(r)
			})
			m.mt.RegisterResponder(http.MethodPost, searchURL, requireToken(1, jsonResponder(200, hitBody)))
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			require.NoError(t, err)
			assert.Equal(t, 1, m.calls(http.MethodPost, tt.url))
		})
	}
}

func TestSessionFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantErr  error
		wantCode string
		sessions int
	}{
		{"bad credentials", 401, `{"error":{"code":"ABDM-1923","message":"Invalid client id and secret"}}`, hfr.ErrUnauthorized, "ABDM-1923", 1},
		{"bad secret echoed", 400, `{"error":{"code":"ABDM-1922","message":"Invalid client secret ` + testSecret + `"}}`, hfr.ErrUnauthorized, "ABDM-1922", 1},
		{"no token in answer", 200, `{"expiresIn":1200}`, hfr.ErrUnexpectedResponse, "", 1},
		{"not JSON", 200, `<html>login</html>`, hfr.ErrUnexpectedResponse, "", 1},
		{"gateway down", 503, `Please make a valid request.`, hfr.ErrUnavailable, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.mt.RegisterResponder(http.MethodPost, sessionV3, jsonResponder(tt.status, tt.body))
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), "gateway session")
			assert.NotContains(t, err.Error(), testSecret)
			if tt.wantCode != "" {
				var apiErr *hfr.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
			assert.Equal(t, tt.sessions, m.calls(http.MethodPost, sessionV3))
			assert.Equal(t, 0, m.calls(http.MethodPost, searchURL))
		})
	}
}

func TestTokenCachedUntilExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expiresIn string
		keepUntil time.Duration // the token is still used just before this
	}{
		{"observed 1200 s", `1200`, 1140 * time.Second},
		{"as a string", `"600"`, 540 * time.Second},
		{"missing means 1200 s", `null`, 1140 * time.Second},
		{"short life uses half", `100`, 50 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newClock()
			m := newMock(t, hfr.WithClock(clock.Now))
			m.mt.RegisterResponder(http.MethodPost, sessionV3, func(*http.Request) (*http.Response, error) {
				n := m.sessions.Add(1)
				return httpmock.NewStringResponse(200, `{"accessToken":"`+token(n)+`","expiresIn":`+tt.expiresIn+`}`), nil
			})
			m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))
			lookup := func() {
				_, err := m.c.Facility(context.Background(), "IN2910000123")
				require.NoError(t, err)
			}
			lookup()
			clock.Advance(tt.keepUntil - time.Millisecond)
			lookup()
			assert.Equal(t, int32(1), m.sessions.Load(), "token reused before its margin")
			clock.Advance(time.Millisecond)
			lookup()
			assert.Equal(t, int32(2), m.sessions.Load(), "new session at the margin")
		})
	}
}

func TestRejectedTokenRefreshedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		refreshes  bool
		wantSearch int // searches after the revocation
	}{
		{"401 refreshes", 401, `{"code":"900901","message":"Invalid Credentials"}`, true, 2},
		{"400 with 900901 refreshes", 400, `{"code":"900901","message":"Invalid Credentials"}`, true, 2},
		{"401 in gateway shape refreshes", 401, `{"error":{"code":"HIS-401","message":"Unauthorized"}}`, true, 2},
		{"400 with another code does not", 400, `{"code":"HIS-400","message":"Bad Request"}`, false, 1},
		// The API manager's code for a rejected token refreshes whatever
		// 4xx status carries it; another code at 403 is a refusal.
		{"403 with 900901 refreshes", 403, `{"code":"900901","message":"Invalid Credentials"}`, true, 2},
		{"403 WSO2 fault with 900901 refreshes", 403, `{"fault":{"code":900901,"message":"Invalid Credentials"}}`, true, 2},
		{"403 with another code does not", 403, `{"code":"900908","message":"Resource forbidden"}`, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t).withSession(1200)
			m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			require.NoError(t, err)

			// The registry now rejects token 1 (revoked early) and accepts 2.
			// (Registering again restarts httpmock's count for the route.)
			m.mt.RegisterResponder(http.MethodPost, searchURL, func(r *http.Request) (*http.Response, error) {
				if r.Header.Get("Authorization") != "Bearer "+token(2) {
					return httpmock.NewStringResponse(tt.status, tt.body), nil
				}
				return httpmock.NewStringResponse(200, hitBody), nil
			})
			_, err = m.c.Facility(context.Background(), "IN2910000123")
			if tt.refreshes {
				require.NoError(t, err)
				assert.Equal(t, int32(2), m.sessions.Load())
			} else {
				require.Error(t, err)
				assert.Equal(t, int32(1), m.sessions.Load())
			}
			assert.Equal(t, tt.wantSearch, m.calls(http.MethodPost, searchURL))
		})
	}
}

func TestPersistentRejectionRetriedOnlyOnce(t *testing.T) {
	t.Parallel()
	m := newMock(t).withSession(1200)
	m.mt.RegisterResponder(http.MethodPost, searchURL,
		jsonResponder(401, `{"code":"900901","message":"Invalid Credentials"}`))
	_, err := m.c.Facility(context.Background(), "IN2910000123")
	require.ErrorIs(t, err, hfr.ErrUnauthorized)
	assert.Equal(t, 2, m.calls(http.MethodPost, searchURL), "the first try and one retry")
	assert.Equal(t, int32(2), m.sessions.Load())
	assert.Empty(t, m.sleeps.all(), "a refresh is not a backoff")
}

func TestConcurrentCallersShareOneSession(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	// The session answers slowly so that the callers pile up behind it.
	m.mt.RegisterResponder(http.MethodPost, sessionV3, m.sessionResponder(1200).Delay(50*time.Millisecond))
	m.mt.RegisterResponder(http.MethodPost, searchURL, requireToken(1, jsonResponder(200, hitBody)))

	const callers = 20
	start := make(chan struct{})
	errs := make(chan error, callers)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			_, err := m.c.Facility(context.Background(), "IN2910000123")
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, m.calls(http.MethodPost, sessionV3))
	assert.Equal(t, callers, m.calls(http.MethodPost, searchURL))
}

func TestImpatientCallerDoesNotFailTheOthers(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.mt.RegisterResponder(http.MethodPost, sessionV3, m.sessionResponder(1200).Delay(100*time.Millisecond))
	m.mt.RegisterResponder(http.MethodPost, searchURL, jsonResponder(200, hitBody))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	var impatient, patient error
	wg.Go(func() { _, impatient = m.c.Facility(ctx, "IN2910000123") })
	wg.Go(func() { _, patient = m.c.Facility(context.Background(), "IN2910000123") })
	wg.Wait()
	require.ErrorIs(t, impatient, context.DeadlineExceeded)
	require.NoError(t, patient)
	assert.Equal(t, 1, m.calls(http.MethodPost, sessionV3))
}

func TestCloseStopsRefreshInFlight(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	arrived := make(chan struct{})
	m.mt.RegisterResponder(http.MethodPost, sessionV3, func(r *http.Request) (*http.Response, error) {
		close(arrived)
		<-r.Context().Done() // the gateway never answers
		return nil, r.Context().Err()
	})
	done := make(chan error, 1)
	go func() {
		_, err := m.c.Facility(context.Background(), "IN2910000123")
		done <- err
	}()
	<-arrived
	require.NoError(t, m.c.Close()) // returns only once the refresh has ended
	err := <-done
	require.ErrorIs(t, err, hfr.ErrClosed)
}

func TestRestyClientInjection(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	rc := resty.NewWithClient(&http.Client{Transport: mt})
	c, err := hfr.New(
		hfr.WithGatewayURL(gatewayURL), hfr.WithRegistryURL(registryURL),
		hfr.WithCredentials(testClientID, testSecret), hfr.WithRestyClient(rc),
	)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	mt.RegisterResponder(http.MethodPost, sessionV3, jsonResponder(200, `{"accessToken":"`+token(1)+`","expiresIn":1200}`))
	mt.RegisterResponder(http.MethodPost, searchURL, requireToken(1, jsonResponder(200, hitBody)))
	f, err := c.Facility(context.Background(), "IN2910000123")
	require.NoError(t, err)
	assert.Equal(t, "IN2910000123", f.ID)
	assert.Equal(t, 0, rc.RetryCount, "the injected client is left as it was")
}
