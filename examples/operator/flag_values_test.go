package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag whose value cannot work is a command line that cannot work:
// refused before anything starts, with exit status 2, naming the flag in
// its own words (not as "rohini: base URL …" or "listen tcp: address
// 99999: invalid port" after the start with status 1). An empty -data
// would have put the operator's key seed and database in the current
// directory.
func TestFlagValuesThatCannotWork(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"empty -data", []string{"-data", ""}, "-data is empty: give a directory of yours, or leave -data out for " + filepath.Join(os.TempDir(), "hcxonboard-demo")},
		{"blank -data", []string{"-data", "  "}, "-data is empty"},
		{"port too large", []string{"-addr", "127.0.0.1:99999"}, `-addr "127.0.0.1:99999": want host:port, such as 127.0.0.1:8080 (port 0 for a free one)`},
		{"negative port", []string{"-addr", "127.0.0.1:-1"}, `-addr "127.0.0.1:-1": want host:port`},
		{"ROHINI not a URL", []string{"-rohini-url", "rohini.example"}, `-rohini-url "rohini.example": want the ROHINI look-up's absolute https URL, such as https://rohini.example/api`},
		{"ROHINI by FTP", []string{"-rohini-url", "ftp://rohini.example"}, `-rohini-url "ftp://rohini.example": want the ROHINI look-up's absolute https URL`},
		{"half an HFR configuration", []string{"-hfr-gateway", "https://gateway.example"}, "real HFR needs -hfr-gateway, -hfr-registry, -hfr-client-id and HFR_CLIENT_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append([]string{"-data", filepath.Join(dir, "data")}, tc.args...)
			_, err := parseFlagsEnv(args, io.Discard, func(string) string { return "" })
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)

			// Run, it stops before it starts anything (the context is
			// over already, so that nothing is served if it does start).
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err = run(ctx, args, io.Discard)
			require.Error(t, err)
			assert.Equal(t, 2, exitStatus(err), "%v", err)
			assert.NoDirExists(t, filepath.Join(dir, "data"), "nothing was started")
		})
	}

	// What a real operator gives is taken: a service name as the port, a
	// ROHINI look-up over http on a private network, a ROHINI_URL.
	for name, args := range map[string][]string{
		"named port": {"-addr", "127.0.0.1:http"},
		"ROHINI":     {"-rohini-url", "http://rohini.internal:8080/api"},
	} {
		_, err := parseFlagsEnv(append([]string{"-data", t.TempDir()}, args...), io.Discard, func(string) string { return "" })
		assert.NoError(t, err, name)
	}
	_, err := parseFlagsEnv([]string{"-data", t.TempDir()}, io.Discard, func(k string) string {
		if k == "ROHINI_URL" {
			return "not a url"
		}
		return ""
	})
	assert.ErrorContains(t, err, `-rohini-url "not a url"`)
}

// An -sms-url the gateway cannot send through is refused with the flag,
// before anything starts (exit status 2), without repeating the URL,
// which may carry a key: not "SMS (-sms-url): sms: invalid option: sms:
// …" once the operator has made its data directory.
func TestSMSURLRefusedUpFront(t *testing.T) {
	t.Parallel()
	const want = "-sms-url: want an https URL template, such as https://sms.example/send?to={{.To}}&text={{.Text}}, " +
		"with no user name or password in it (give -sms-user with SMS_PASSWORD, or SMS_AUTHORIZATION)"
	for name, u := range map[string]string{
		"http":             "http://sms.example/send?to={{.To}}&key=k3y",
		"not a URL":        "sms.example/send?to={{.To}}&key=k3y",
		"unknown field":    "https://sms.example/send?to={{.Phone}}&key=k3y",
		"broken template":  "https://sms.example/send?to={{.To}&key=k3y",
		"user info in URL": "https://user:k3y@sms.example/send?to={{.To}}",
	} {
		_, err := parseFlagsEnv([]string{"-data", t.TempDir(), "-sms-url", u}, io.Discard, func(string) string { return "" })
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), want, name)
		assert.NotContains(t, err.Error(), "k3y", name)
	}
	c, err := parseFlagsEnv([]string{"-data", t.TempDir(), "-sms-url", "https://sms.example/send?to={{.To}}&text={{.Text}}&ref={{.Key}}"},
		io.Discard, func(string) string { return "" })
	require.NoError(t, err)
	assert.True(t, c.tx.configured())
}

// A -policy file that is not there, or not a policy, is a flag that
// cannot work: exit status 2, named as the flag, before the data
// directory is made.
func TestPolicyFlagRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "policy.json")
	require.NoError(t, os.WriteFile(bad, []byte("{"), 0o600))
	for file, want := range map[string]string{
		filepath.Join(dir, "absent.json"): "-policy " + filepath.Join(dir, "absent.json") + ": no such file: give the operator's policy file, or leave -policy out for the guideline's policies",
		bad:                               "-policy " + bad + ": ",
		dir:                               "-policy " + dir + ": a directory, not a policy file",
	} {
		data := filepath.Join(t.TempDir(), "data")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, []string{"-data", data, "-policy", file}, io.Discard)
		require.Error(t, err, file)
		assert.Equal(t, 2, exitStatus(err), "%v", err)
		assert.Contains(t, err.Error(), want)
		assert.NoDirExists(t, data, "nothing was started")
	}
}
