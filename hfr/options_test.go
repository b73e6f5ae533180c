package hfr_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/openhcx/hcxonboard/hfr"
)

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	base := []hfr.Option{
		hfr.WithGatewayURL("https://gateway.test"),
		hfr.WithRegistryURL("https://registry.test/v4/int/"),
		hfr.WithCredentials("client", "secret"),
	}
	with := func(extra ...hfr.Option) []hfr.Option { return append(append([]hfr.Option{}, base...), extra...) }
	tests := []struct {
		name    string
		opts    []hfr.Option
		wantErr string
	}{
		{"minimal", with(), ""},
		{"every option", with(
			hfr.WithEnvironment(hfr.Production), hfr.WithSessionAPI(hfr.V05),
			hfr.WithHTTPClient(&http.Client{}), hfr.WithTimeout(time.Second),
			hfr.WithRetry(1, 0, 0), hfr.WithRateLimit(10, 1), hfr.WithClock(time.Now),
			hfr.WithOTPSource("HCX", "hcx-1"),
		), ""},
		{"resty client", with(hfr.WithRestyClient(resty.New())), ""},
		{"unlimited rate", with(hfr.WithRateLimit(rate.Inf, 0)), ""},
		{"no gateway URL", base[1:], "gateway URL"},
		{"no registry URL", []hfr.Option{base[0], base[2]}, "registry URL"},
		{"no credentials", base[:2], "credentials"},
		{"nothing at all", nil, "gateway URL (WithGatewayURL), registry URL (WithRegistryURL), credentials"},
		{"relative URL", with(hfr.WithGatewayURL("/gateway")), "absolute"},
		{"ftp URL", with(hfr.WithRegistryURL("ftp://registry.test")), "absolute"},
		{"URL with user info", with(hfr.WithGatewayURL("https://u:p@gateway.test")), "user info"},
		{"empty secret", with(hfr.WithCredentials("client", " ")), "client secret"},
		{"unknown environment", with(hfr.WithEnvironment(0)), "environment"},
		{"unknown session API", with(hfr.WithSessionAPI(7)), "session API"},
		{"nil http client", with(hfr.WithHTTPClient(nil)), "nil *http.Client"},
		{"nil resty client", with(hfr.WithRestyClient(nil)), "nil *resty.Client"},
		{"retrying resty client", with(hfr.WithRestyClient(resty.New().SetRetryCount(2))), "RetryCount"},
		{"both clients", with(hfr.WithHTTPClient(&http.Client{}), hfr.WithRestyClient(resty.New())), "mutually exclusive"},
		{"zero timeout", with(hfr.WithTimeout(0)), "timeout"},
		{"zero tries", with(hfr.WithRetry(0, 0, 0)), "at least 1"},
		{"max wait below min", with(hfr.WithRetry(3, time.Second, time.Millisecond)), "min <= max"},
		{"zero rate", with(hfr.WithRateLimit(0, 1)), "rate limit"},
		{"zero burst", with(hfr.WithRateLimit(5, 0)), "rate limit"},
		{"nil clock", with(hfr.WithClock(nil)), "clock"},
		{"nil logger", with(hfr.WithLogger(nil)), "logger"},
		{"nil option", with(nil), "nil option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := hfr.New(tt.opts...)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			require.NoError(t, c.Close())
		})
	}
}

func TestEnumStrings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "sandbox", hfr.Sandbox.String())
	assert.Equal(t, "production", hfr.Production.String())
	assert.Equal(t, "Environment(9)", hfr.Environment(9).String())
	assert.Equal(t, "v3", hfr.V3.String())
	assert.Equal(t, "v0.5", hfr.V05.String())
	assert.Equal(t, "SessionAPI(0)", hfr.SessionAPI(0).String())
}

func TestWithHTTPClientLeavesCallerClientAlone(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	c, err := hfr.New(
		hfr.WithGatewayURL("https://gateway.test"), hfr.WithRegistryURL("https://registry.test"),
		hfr.WithCredentials("client", "secret"), hfr.WithHTTPClient(hc), hfr.WithTimeout(time.Second),
	)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	assert.Equal(t, &http.Client{}, hc, "no transport, timeout or jar set on the caller's client")
}
