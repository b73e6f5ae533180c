package hfr_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A secret that straddles the cut of a long registry message is redacted
// whole: redaction runs before the message is cut.
func TestASecretAcrossTheMessageCutIsRedacted(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	msg := strings.Repeat("x", 290) + " " + testSecret
	m.mt.RegisterResponder(http.MethodPost, sessionV3,
		jsonResponder(400, `{"error":{"code":"ABDM-1922","message":"`+msg+`"}}`))
	_, err := m.c.Facility(context.Background(), "IN2910000123")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testSecret[:8], "a prefix of the client secret leaks into the error")
}

// An error carried in a 2xx body is redacted with the token the request
// carried, though a concurrent refresh has replaced it since.
func TestTheTokenTheRequestCarriedIsRedacted(t *testing.T) {
	t.Parallel()
	clock := newClock()
	m := newMock(t, hfr.WithClock(clock.Now))
	m.withSession(1200)
	release := make(chan struct{})
	arrived := make(chan struct{})
	m.mt.RegisterResponder(http.MethodPost, searchURL, func(r *http.Request) (*http.Response, error) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		close(arrived)
		<-release
		return httpmock.NewStringResponse(200,
			`{"facilities":[],"errorStatus":{"code":"HIS-2045","message":"Session expired for token `+tok+`"}}`), nil
	})
	m.mt.RegisterResponder(http.MethodPost, contactURL, jsonResponder(200,
		`{"facility":{"facilityId":"IN2910000123","contactName":"A","contactMobile":"******1905"},"status":"SUCCESS"}`))

	var (
		wg   sync.WaitGroup
		aErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, aErr = m.c.Facility(context.Background(), "IN2910000123")
	}()
	<-arrived
	clock.Advance(1200 * time.Second) // tok-1 expires; the next call opens a session
	_, err := m.c.FacilityContact(context.Background(), "IN2910000123")
	require.NoError(t, err)
	close(release)
	wg.Wait()
	require.Error(t, aErr)
	assert.NotContains(t, aErr.Error(), token(1), "the gateway token the request carried leaks into the error")
}

// A 5xx is an outage whatever code its body names: one naming HIS-3008 is
// not "not found" (documented as 404, or 422 with HIS-3008).
func TestServerErrorWithHIS3008IsNotNotFound(t *testing.T) {
	t.Parallel()
	m := newMock(t, hfr.WithRetry(1, 0, 0))
	m.withSession(1200)
	m.mt.RegisterResponder(http.MethodGet, hprURL+"71-1234-5678-9012", jsonResponder(503,
		`{"code":"HIS-503","message":"Service Unavailable","details":[{"code":"HIS-3008","message":"Invalid HPID."}]}`))
	_, err := m.c.Professional(context.Background(), "71-1234-5678-9012")
	require.Error(t, err)
	assert.ErrorIs(t, err, hfr.ErrUnavailable, "a 503 is an outage")
	assert.NotErrorIs(t, err, hfr.ErrNotFound, "a 503 must not say the professional does not exist: %v", err)
}

// A resty client given is used as it is, shared as it may be: New changes
// none of its settings, and names one that follows redirects in the log.
// Set to follow none, as the documentation asks, it carries the session's
// client secret nowhere else.
func TestRestyClientIsUsedAsGiven(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		stolen []string
	)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		stolen = append(stolen, string(b))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"accessToken":"tok-evil","expiresIn":1200}`)
	}))
	t.Cleanup(evil.Close)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(gw.Close)

	var logs strings.Builder
	follows := resty.New()
	_, err := hfr.New(hfr.WithGatewayURL(gw.URL), hfr.WithRegistryURL(gw.URL+"/v4/int"),
		hfr.WithCredentials("id", "s3cr3t-secret"), hfr.WithRestyClient(follows),
		hfr.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	assert.Nil(t, follows.GetClient().CheckRedirect, "the caller's client is left as it was")
	assert.Contains(t, logs.String(), "follows redirects")

	safe := resty.New().SetRedirectPolicy(resty.NoRedirectPolicy())
	c, err := hfr.New(hfr.WithGatewayURL(gw.URL), hfr.WithRegistryURL(gw.URL+"/v4/int"),
		hfr.WithCredentials("id", "s3cr3t-secret"), hfr.WithRestyClient(safe))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Facility(context.Background(), "IN2910000123")
	require.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, stolen, "the client secret went to the redirect's target")
}
