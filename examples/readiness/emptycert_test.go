package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A certificate file named on the command line that holds nothing (an
// empty file, a redirection gone wrong) is a usage error naming the
// flag and the file: the signing certificate is not silently left out,
// with READY said for a check that never ran, nor the encryption
// certificate reported as "not registered".
func TestEmptyCertificateFileIsAUsageError(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	empty := write(t, s.dir, "empty.pem", " \n")
	for _, tc := range []struct{ flag, want string }{
		{"-signing-cert", "readiness: -signing-cert: " + empty + " is empty\n"},
		{"-encryption-cert", "readiness: -encryption-cert: " + empty + " is empty\n"},
	} {
		args := s.args("-jwks-out", s.jwks)
		for i := range args {
			if args[i] == tc.flag {
				args[i+1] = empty
			}
		}
		code, out, errOut := runArgs(t, "", args...)
		assert.Equal(t, exitUsage, code, "%s\nstdout:\n%s", tc.flag, out)
		assert.Empty(t, out, tc.flag)
		assert.Equal(t, tc.want, errOut, tc.flag)
	}

	// The files as written are checked, and ready.
	code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.Equal(t, exitReady, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
}
