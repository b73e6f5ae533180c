package hfr_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// A base URL New refuses is named in the error without the password or
// query it may carry: a mistyped URL is still the operator's secret.
func TestRefusedBaseURLErrorHidesCredentials(t *testing.T) {
	for _, tt := range []struct{ url, shown string }{
		{"https://client:S3CRET-pw%zz@gateway.example.in/", "gateway.example.in"},
		{"ftp://client:S3CRET-pw@gateway.example.in/", "ftp://gateway.example.in"},
		{"gateway.example.in/api?key=S3CRET-key", "gateway.example.in/api"},
		{"https://[::1/path?token=S3CRET-t", "https://[::1/path"},
		{"ftp://client:S3C/RET@pw@gateway.example.in", "ftp://gateway.example.in"},
	} {
		for _, opt := range []func(string) hfr.Option{hfr.WithGatewayURL, hfr.WithRegistryURL} {
			_, err := hfr.New(opt(tt.url), hfr.WithCredentials("id", "secret"))
			require.Error(t, err, tt.url)
			require.NotContains(t, err.Error(), "S3CRET", "the error quotes the URL's secret")
			require.Contains(t, err.Error(), tt.shown, "the error still names the URL")
			require.Contains(t, err.Error(), "want an absolute http or https URL")
		}
	}
	// Accepted URLs are unchanged.
	_, err := hfr.New(hfr.WithGatewayURL("https://gateway.example.in"), hfr.WithRegistryURL("https://registry.example.in/v4/int"),
		hfr.WithCredentials("id", "secret"))
	require.NoError(t, err)
}
