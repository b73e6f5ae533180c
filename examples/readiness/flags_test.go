package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
)

// A flag out of range is told in the flag's own words, once, with what
// to give: not as an option of a Go package ("safefetch: WithTimeout",
// "readiness: readiness: invalid option"), nor with the name of a
// temporary file the command never told of.
func TestBadFlagsNameTheFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := []string{"-code", "x@hcx", "-endpoint", "https://a.example/x", "-encryption-cert", "https://a.example/enc.pem"}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-timeout", "0"}, "readiness: -timeout 0s: give a time above 0, at most 2m0s\n"},
		{[]string{"-timeout", "-1s"}, "readiness: -timeout -1s: give a time above 0, at most 2m0s\n"},
		{[]string{"-timeout", "3m"}, "readiness: -timeout 3m0s: give a time above 0, at most 2m0s\n"},
		{[]string{"-retries", "-1"}, "readiness: -retries -1: give 0 to 5\n"},
		{[]string{"-retries", "99"}, "readiness: -retries 99: give 0 to 5\n"},
		{[]string{"-issuer", " "}, "readiness: -issuer is empty: give the operator id your handler trusts the key under (default hcx-readiness-selftest)\n"},
		{[]string{"-jwks-out", filepath.Join(missing, "selftest.jwks")}, "readiness: -jwks-out " + filepath.Join(missing, "selftest.jwks") + ": the directory " + missing + " does not exist\n"},
	} {
		code, out, errOut := runArgs(t, "", append(base, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Empty(t, out, "%v: nothing is checked", tc.args)
		assert.Equal(t, tc.want, errOut, "%v", tc.args)
	}

	// The bounds are the checker's: it takes what the flags let through.
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	client, err := newClient("https://a.example/x", "", false, maxTimeout)
	require.NoError(t, err)
	signer := []readiness.Option{readiness.WithSigner(key, "k1"), readiness.WithIssuer("op"), readiness.WithHTTPClient(client)}
	_, err = readiness.New(append(signer, readiness.WithTimeout(maxTimeout), readiness.WithRetries(maxRetries, readiness.DefaultRetryWait))...)
	require.NoError(t, err)
	_, err = readiness.New(append(signer, readiness.WithTimeout(maxTimeout+time.Nanosecond))...)
	require.ErrorIs(t, err, readiness.ErrInvalidOption)
	_, err = readiness.New(append(signer, readiness.WithRetries(maxRetries+1, readiness.DefaultRetryWait))...)
	require.ErrorIs(t, err, readiness.ErrInvalidOption)

	// At the bounds, the flags are taken.
	code, _, errOut := runArgs(t, "", append(base, "-timeout", "2m", "-retries", "5", "-jwks-out", filepath.Join(dir, "selftest.jwks"))...)
	assert.NotEqual(t, exitUsage, code, errOut)
}
