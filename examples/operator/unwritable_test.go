//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unwritableDir returns a directory of this user's that this process
// cannot write in: one made read-only or, for root (whom modes do not
// stop), a sysfs directory. It skips the test when there is none.
func unwritableDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "readonly")
	require.NoError(t, os.Mkdir(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	candidates := []string{dir}
	if os.Geteuid() == 0 {
		candidates = append(candidates, "/sys/kernel")
	}
	for _, d := range candidates {
		f, err := os.CreateTemp(d, ".probe-*")
		if err != nil {
			if info, serr := os.Lstat(d); serr == nil && info.IsDir() && checkOwner(info) == nil {
				return d
			}
			continue
		}
		f.Close()
		os.Remove(f.Name())
	}
	t.Skip("no directory of this user's that it cannot write in")
	return ""
}

// A data directory the operator cannot write in is refused as such, with
// what to do: not "write key seed: open DIR/.operator.seed.123.tmp:
// permission denied", naming a temporary file.
func TestDataDirNotWritable(t *testing.T) {
	t.Parallel()
	dir := unwritableDir(t)
	err := ensureDataDir(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data directory "+dir+" is not writable")
	assert.Contains(t, err.Error(), "give -data a directory you can write in")
	assert.NotContains(t, err.Error(), ".tmp")

	require.NoError(t, ensureDataDir(t.TempDir()), "a directory of one's own is taken")
}
