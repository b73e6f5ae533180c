package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A policy file this prevalidate cannot read because the operator's
// library is newer — a later version, or a check it does not have — says
// what the participant can do about it; a file that is merely wrong does
// not blame the version.
func TestPolicyNewerThanPrevalidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	const hint = "update prevalidate"
	tests := []struct {
		name, file string
		newer      bool
	}{
		{"later version", write("v2.json", `{"version": 2, "policies": []}`), true},
		{"unknown check", write("check.json", `{"version": 1, "policies": [{"category": "tpa",
		  "requirements": [{"id": "irda_licence", "check": "irda_certificate"}]}]}`), true},
		{"no version", write("v0.json", `{"policies": []}`), false},
		{"unknown field", write("field.json", `{"version": 1, "policies": [], "resolver": {}}`), false},
		{"a review without words", write("review.json", `{"version": 1, "policies": [{"category": "tpa",
		  "requirements": [{"id": "x", "check": "review"}]}]}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runArgs(t, "", "-policy", tt.file, "-now", testNow, "testdata/tpa_ready.json")
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			if tt.newer {
				assert.Contains(t, stderr, hint)
			} else {
				assert.NotContains(t, stderr, hint)
			}
		})
	}
}
