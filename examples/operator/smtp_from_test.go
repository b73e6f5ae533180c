package main

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -smtp-from that is no e-mail address is a flag that cannot work,
// refused with the flag's name and an example like the other flags (exit
// status 2), not in the mail package's words ("email: invalid option").
func TestSMTPFromMustBeAnAddress(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"bad", "onboarding@", "HCX <nobody>"} {
		_, err := parseFlagsEnv([]string{"-smtp-host", "localhost", "-smtp-from", from}, io.Discard, env())
		require.Error(t, err, from)
		assert.Contains(t, err.Error(), `-smtp-from "`+from+`": want the sender's e-mail address`, from)
		assert.NotContains(t, err.Error(), "invalid option", from)
		err = run(context.Background(), []string{"-data", t.TempDir(), "-smtp-host", "localhost", "-smtp-from", from}, io.Discard)
		assert.Equal(t, 2, exitStatus(err), "%s: a usage error: %v", from, err)
	}
	for _, from := range []string{"onboarding@operator.example", "HCX Onboarding <onboarding@operator.example>"} {
		_, err := parseFlagsEnv([]string{"-smtp-host", "localhost", "-smtp-from", from}, io.Discard, env())
		assert.NoError(t, err, from)
	}
}
