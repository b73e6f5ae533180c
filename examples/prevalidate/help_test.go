package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Asking for help is not an error: -h prints the usage and exits 0, as
// the operator, walkthrough and bulk programs do; exit status 2 stays for
// input that cannot be read.
func TestHelpPrintsUsageAndSucceeds(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		code, stdout, stderr := runArgs(t, "", arg)
		assert.Equal(t, exitReady, code, arg)
		assert.Contains(t, stdout+stderr, "usage: prevalidate", arg)
		assert.NotContains(t, stdout+stderr, "help requested", arg)
	}
}
