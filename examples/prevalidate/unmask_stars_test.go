package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A primary_mobile typed as "NA", "-" or "1234" (a clerk's placeholder,
// or a number cut short) masks to a run of stars ("**", "*", "****"). Such
// a form is not unmasked: replaced everywhere, it would rewrite the system
// admin's masked number too, and the OTP line would name a number that is
// nobody's ("NANANA1002") as the admin's.
func TestUnmaskDoesNotGarbleOtherContacts(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	for _, typed := range []string{"NA", "-", "1234"} {
		var app map[string]any
		require.NoError(t, json.Unmarshal(b, &app))
		app["primary_mobile"] = typed
		in, err := json.Marshal(app)
		require.NoError(t, err)
		_, stdout, _ := runArgs(t, string(in), "-now", testNow, "-")
		var otp string
		for _, l := range strings.Split(stdout, "\n") {
			if strings.Contains(l, "one-time password to") {
				otp = l
			}
		}
		require.NotEmpty(t, otp, stdout)
		// The admin's mobile is shown as the file writes it, never
		// rewritten with the primary mobile's text.
		admin := app["system_admin"].(map[string]any)["mobile"].(string)
		assert.Contains(t, otp, "("+admin+",", "primary_mobile %q: the admin's mobile is garbled", typed)
	}
}
