package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A certificate URL that redirects to the PEM (a "raw" link, an object
// store's alias) is read as the operator's step 3 reads it: the self-test
// follows the redirect, as step 3's fetcher does, and says READY.
func TestSelfTestFollowsACertificateURLRedirect(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/enc.pem", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/files/enc.pem", http.StatusFound)
	})
	mux.HandleFunc("/files/enc.pem", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, s.p.EncryptionCert)
	})
	base := rt.Serve(t, "localhost", mux)
	args := s.args("-jwks-out", s.jwks)
	for i := range args {
		if args[i] == s.enc {
			args[i] = base + "/enc.pem"
		}
	}
	code, out, errOut := runArgs(t, "", args...)
	require.Equal(t, exitReady, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
}
