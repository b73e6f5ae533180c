package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A directory given as the list is a command line that cannot work (exit
// status 2), said as such: not "bad CSV" about a file that is not one.
func TestBulkListIsADirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, _, err := runCmd(t, "-quiet", "-memory", dir)
	require.Error(t, err)
	assert.ErrorIs(t, err, errUsage)
	assert.Equal(t, "usage: "+dir+" is a directory: give the path of the CSV list (or -generate N -o FILE to write one)", err.Error())
}
