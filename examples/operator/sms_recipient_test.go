package main

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An -sms-url template that never names the number ({{.To}} or
// {{.National}}) would send every participant's SMS, one-time codes
// among them, to the same request with nobody's number in it: refused as
// a flag that cannot work, saying what the template lacks.
func TestSMSURLMustNameTheRecipient(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://sms.example/send", "https://sms.example/send?text={{.Text}}&to=9000000000"} {
		_, err := parseFlagsEnv([]string{"-sms-url", u}, io.Discard, env())
		require.Error(t, err, u)
		assert.Contains(t, err.Error(), "-sms-url names no recipient: put {{.To}} (or {{.National}}) where the gateway takes the number", u)
		err = run(context.Background(), []string{"-data", t.TempDir(), "-sms-url", u}, io.Discard)
		assert.Equal(t, 2, exitStatus(err), "%s: a usage error: %v", u, err)
	}
	for _, u := range []string{
		"https://sms.example/send?to={{.To}}&text={{.Text}}",
		"https://sms.example/send?mobile={{ .National }}&msg={{.Text}}",
		"https://sms.example/send?to={{.To | urlquery}}&text={{.Text}}",
	} {
		_, err := parseFlagsEnv([]string{"-sms-url", u}, io.Discard, env())
		assert.NoError(t, err, u)
	}
}
