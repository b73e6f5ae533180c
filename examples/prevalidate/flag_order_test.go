package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A clerk who types the flags after the file (prevalidate app.json -json)
// gets the same answer as with the flags first; two files are still one
// too many, and "--" still ends the flags.
func TestFlagsAfterTheFile(t *testing.T) {
	t.Parallel()
	wantCode, want, wantErr := runArgs(t, "", "-json", "-now", testNow, "-policy", operatorPolicy, "testdata/tpa_ready.json")
	require.Empty(t, wantErr)
	require.Equal(t, 1, wantCode)
	for _, args := range [][]string{
		{"testdata/tpa_ready.json", "-json", "-now", testNow, "-policy", operatorPolicy},
		{"-json", "testdata/tpa_ready.json", "-now", testNow, "-policy", operatorPolicy},
		{"-now", testNow, "testdata/tpa_ready.json", "-policy=" + operatorPolicy, "--json"},
	} {
		code, stdout, stderr := runArgs(t, "", args...)
		assert.Empty(t, stderr, args)
		assert.Equal(t, wantCode, code, args)
		assert.JSONEq(t, want, stdout, args)
	}

	code, stdout, stderr := runArgs(t, "", "testdata/tpa_ready.json", "-json", "testdata/payer_ready.json")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "usage")

	code, _, stderr = runArgs(t, "", "testdata/tpa_ready.json", "-bogus")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-bogus")

	// After "--" a name that starts with "-" is a file, not a flag.
	code, _, stderr = runArgs(t, "", "-json", "--", "-json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "cannot open -json")
}
