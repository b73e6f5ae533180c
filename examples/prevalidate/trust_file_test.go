package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -trust file that cannot be read or is not a trust list is said as
// -policy's are: the file named once, what is wrong in the applicant's
// words (no "open …:" or "json:"), and what to give instead.
func TestBadTrustListFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	absent := filepath.Join(dir, "absent.json")
	noIssuer := filepath.Join(dir, "trust.json")
	require.NoError(t, os.WriteFile(noIssuer, []byte(`{"issuers":[{"id":"x"}]}`), 0o600))
	tests := []struct {
		name, file string
		want       []string
	}{
		{"absent", absent, []string{"trust list: cannot open " + absent + ": no such file or directory"}},
		{"an application by mistake", "testdata/payer_ready.json", []string{
			"trust list: testdata/payer_ready.json: ", `unknown field "application_id"`, "-trust takes the operator's trust-list.json"}},
		{"an issuer without keys", noIssuer, []string{"trust list: " + noIssuer + ": ", `"x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runArgs(t, "", "-trust", tt.file, "-now", testNow, "testdata/tpa_ready.json")
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
			assert.NotRegexp(t, `(^|[ (])json: `, stderr)
			assert.NotContains(t, stderr, ": open ")
			assert.Equal(t, 1, strings.Count(stderr, "trust list"), "said once: %q", stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line, never a dump: %q", stderr)
		})
	}
}
