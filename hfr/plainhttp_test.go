package hfr_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

// Production over plain http sends the client secret in clear: New says
// so in the log (it does not refuse, so that a proxy or a recording
// transport in front of the registry keeps working), and only there.
func TestProductionOverPlainHTTPIsWarned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      hfr.Environment
		gateway  string
		registry string
		warned   []string
	}{
		{"production, http elsewhere", hfr.Production, "http://gateway.test", "https://registry.test", []string{"gateway"}},
		{"production, both http", hfr.Production, "http://gateway.test", "http://10.0.0.7:8080", []string{"gateway", "registry"}},
		{"production, https", hfr.Production, "https://gateway.test", "https://registry.test", nil},
		{"production, loopback", hfr.Production, "http://127.0.0.1:8080", "http://localhost:9090", nil},
		{"production, IPv6 loopback", hfr.Production, "http://[::1]:8080", "https://registry.test", nil},
		{"sandbox, http", hfr.Sandbox, "http://gateway.test", "http://registry.test", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			c, err := hfr.New(hfr.WithGatewayURL(tt.gateway), hfr.WithRegistryURL(tt.registry),
				hfr.WithCredentials("client", "s3cr3t-in-the-clear"), hfr.WithEnvironment(tt.env),
				hfr.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
			require.NoError(t, err, "a warning, not a refusal")
			t.Cleanup(func() { _ = c.Close() })
			out := buf.String()
			assert.NotContains(t, out, "s3cr3t")
			for _, name := range []string{"gateway", "registry"} {
				if contains(tt.warned, name) {
					assert.Contains(t, out, "production "+name+" URL is http")
				} else {
					assert.NotContains(t, out, "production "+name+" URL")
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
