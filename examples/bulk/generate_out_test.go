package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An -o the generator cannot write is named as the flag, as a command
// line that cannot work (exit status 2).
func TestGenerateOutputCannotBeWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for o, want := range map[string]string{
		dir:                                    "usage: -o " + dir + ": a directory; give the path of the CSV file to write",
		filepath.Join(dir, "missing", "h.csv"): "usage: -o " + filepath.Join(dir, "missing", "h.csv") + ": the directory " + filepath.Join(dir, "missing") + " does not exist",
	} {
		_, _, err := runCmd(t, "-generate", "3", "-o", o)
		require.Error(t, err, o)
		assert.ErrorIs(t, err, errUsage, o)
		assert.Equal(t, want, err.Error())
	}
	_, _, err := runCmd(t, "-generate", "3", "-o", filepath.Join(dir, "h.csv"))
	require.NoError(t, err)
}
