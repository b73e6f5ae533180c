package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An e-mail address or mobile number too short or too broken to keep any
// character when masked ("notanemail", "1234") is still shown back to the
// clerk as typed, beside the field it was typed in, so the checklist says
// what to correct instead of a run of stars.
func TestInvalidContactsTooShortToMaskAreShownAsTyped(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var app map[string]any
	require.NoError(t, json.Unmarshal(b, &app))
	app["primary_email"] = "notanemail"
	app["primary_mobile"] = "1234"
	app["system_admin"] = map[string]any{"name": "Anita Rao", "email": "itdesk", "mobile": "98"}
	in, err := json.Marshal(app)
	require.NoError(t, err)

	for _, args := range [][]string{{"-now", testNow, "-"}, {"-json", "-now", testNow, "-"}} {
		code, stdout, stderr := runArgs(t, string(in), args...)
		require.Equal(t, exitNotReady, code, stderr)
		assert.Contains(t, stdout, "primary_email: e-mail address notanemail: has no @", args)
		assert.Contains(t, stdout, "system_admin.email: e-mail address itdesk: has no @", args)
		assert.Contains(t, stdout, "primary_mobile: mobile number 1234: ", args)
		assert.Contains(t, stdout, "system_admin.mobile: mobile number 98: ", args)
		assert.NotContains(t, stdout, "**", args)
	}
}
