package hfr_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/go-resty/resty/v2"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// captureLogger is a resty.Logger that keeps what it is given.
type captureLogger struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *captureLogger) add(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", v...)
}
func (l *captureLogger) Errorf(format string, v ...any) { l.add(format, v...) }
func (l *captureLogger) Warnf(format string, v ...any)  { l.add(format, v...) }
func (l *captureLogger) Debugf(format string, v ...any) { l.add(format, v...) }
func (l *captureLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A resty client given in debug mode would write every request and answer
// to its logger — the client secret in the session body, the gateway
// token in Authorization, an OTP in validateOtp. The Client's requests are
// never in debug mode, whatever the client given; the owner's own
// requests still are.
func TestDebugRestyClientLogsNoSecrets(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	logs := &captureLogger{}
	rc := resty.NewWithClient(&http.Client{Transport: mt}).SetDebug(true).SetLogger(logs)
	rc.SetRedirectPolicy(resty.NoRedirectPolicy())
	c, err := hfr.New(
		hfr.WithGatewayURL(gatewayURL), hfr.WithRegistryURL(registryURL),
		hfr.WithCredentials(testClientID, testSecret), hfr.WithRestyClient(rc),
	)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	mt.RegisterResponder(http.MethodPost, sessionV3, jsonResponder(200, `{"accessToken":"`+token(1)+`","expiresIn":1200}`))
	mt.RegisterResponder(http.MethodPost, validateURL, requireToken(1, jsonResponder(200,
		`{"facilityId":"IN2910000123","status":"success","message":"OTP validated successfully!!!","errorStatus":null}`)))
	mt.RegisterResponder(http.MethodGet, "https://owner.test/ping", httpmock.NewStringResponder(200, "pong"))

	require.NoError(t, c.ValidateFacilityOTP(context.Background(), "IN2910000123", "txn-41d2", "481516"))
	for _, secret := range []string{testSecret, token(1), "481516"} {
		assert.NotContains(t, logs.String(), secret)
	}
	// Bodies are logged base64-encoded: no request of the Client's is
	// logged at all.
	assert.NotContains(t, logs.String(), "/sessions")
	assert.NotContains(t, logs.String(), "/validateOtp")

	// The owner's debug mode is theirs: their own requests still log.
	_, err = rc.R().Get("https://owner.test/ping")
	require.NoError(t, err)
	assert.Contains(t, logs.String(), "GET  /ping")
}
