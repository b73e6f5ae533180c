package main

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/safefetch"
)

// -policy takes the https URL an operator publishes its policy at, fetched
// through the safe fetcher; an address the fetcher refuses (a local demo
// operator, plain http) is refused with the way round it.
//
// Not parallel: it sets the fetcher's options for the test server.
func TestPolicyByURL(t *testing.T) {
	policy, err := os.ReadFile(operatorPolicy)
	require.NoError(t, err)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/policy.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(policy)
	}))
	defer srv.Close()

	// As a participant runs it: a loopback address is refused, saying
	// what to do instead.
	code, _, stderr := runArgs(t, "", "-policy", srv.URL+"/policy.json", "-now", testNow, "testdata/tpa_ready.json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "policy: cannot fetch "+srv.URL+"/policy.json")
	assert.Contains(t, stderr, "download it first (curl -o policy.json "+srv.URL+"/policy.json)")

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	policyFetch = []safefetch.Option{safefetch.WithAllowedHosts(srv.Listener.Addr().String()), safefetch.WithRootCAs(pool)}
	defer func() { policyFetch = nil }()
	code, stdout, stderr := runArgs(t, "", "-policy", srv.URL+"/policy.json", "-now", testNow, "testdata/tpa_ready.json")
	assert.Equal(t, 1, code, "%s", stderr)
	assert.Contains(t, stdout, "checked against the policy of Example HCX")
	assert.Contains(t, stdout, "[MISSING] irda_licence")

	code, _, stderr = runArgs(t, "", "-policy", srv.URL+"/elsewhere.json", "-now", testNow, "testdata/tpa_ready.json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "policy: cannot fetch")
}
