package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The clerk's own values are shown back unmasked, but never the wrong
// one: when the primary contact and the system admin mask alike (anil@
// and arun@ on one domain, numbers ending 3210), the OTP line does not
// name the primary contact's address and number as the admin's.
func TestUnmaskNeverShowsAnotherContact(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/payer_ready.json")
	require.NoError(t, err)
	var app map[string]any
	require.NoError(t, json.Unmarshal(b, &app))
	app["primary_email"] = "anil@suraksha-insurance.example"
	app["primary_mobile"] = "9876543210"
	app["system_admin"] = map[string]any{"name": "Arun Rao", "email": "arun@suraksha-insurance.example", "mobile": "9123453210"}
	in, err := json.Marshal(app)
	require.NoError(t, err)
	_, stdout, stderr := runArgs(t, string(in), "-now", testNow, "-")
	require.Empty(t, stderr)
	var otp string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.Contains(l, "one-time password to") && strings.Contains(l, "admin") {
			otp = l
		}
	}
	require.NotEmpty(t, otp, stdout)
	assert.NotContains(t, otp, "anil@", otp)
	assert.NotContains(t, otp, "9876543210", otp)

	// Values that mask apart are still shown whole.
	app["system_admin"] = map[string]any{"name": "Arun Rao", "email": "it.desk@suraksha-insurance.example", "mobile": "9123456789"}
	in, err = json.Marshal(app)
	require.NoError(t, err)
	_, stdout, _ = runArgs(t, string(in), "-now", testNow, "-")
	assert.Contains(t, stdout, "it.desk@suraksha-insurance.example")
	assert.Contains(t, stdout, "9123456789")
}
