package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refused -rohini-url is named without the password or key it may
// carry (ROHINI_URL comes from a container's environment, secrets and
// all): the refusal goes to the terminal and to whatever keeps it.
func TestRefusedRohiniURLHidesCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, shown string }{
		{"ftp://ops:S3CRET-pw@rohini.example/api?key=S3CRET-key", `-rohini-url "ftp://rohini.example/api"`},
		{"rohini.example/api?apikey=S3CRET-key#S3CRET-frag", `-rohini-url "rohini.example/api"`},
		{"https://ops:S3CRET-pw%zz@rohini.example/api", "-rohini-url (not a URL: invalid URL escape"},
	} {
		_, err := parseFlagsEnv([]string{"-data", t.TempDir(), "-rohini-url", tc.url}, io.Discard, func(string) string { return "" })
		require.Error(t, err, tc.url)
		assert.NotContains(t, err.Error(), "S3CRET", "the refusal quotes the URL's secret")
		assert.Contains(t, err.Error(), tc.shown)
		assert.Contains(t, err.Error(), "want the ROHINI look-up's absolute https URL")
	}
}
