package main

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The operator's banner prints its API and console URLs above the base
// URL the walkthrough wants; a newcomer who copies one of those is told
// which to give, not "no operator answers" while one does. A -wait that
// cannot work says what would.
func TestFlagsSayWhatToGive(t *testing.T) {
	t.Parallel()
	tokens := []string{"-reviewer-token", "r", "-approver-token", "a"}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-url", "http://127.0.0.1:8080/v1/onboarding/"}, []string{
			`-url "http://127.0.0.1:8080/v1/onboarding/"`, "the operator's API", "give its base URL, http://127.0.0.1:8080"}},
		{[]string{"-url", "http://127.0.0.1:8080/v1/onboarding"}, []string{"give its base URL, http://127.0.0.1:8080"}},
		{[]string{"-url", "https://hcx.example/operator/console/"}, []string{
			"the operator's console", "give its base URL, https://hcx.example/operator"}},
		{[]string{"-url", "http://127.0.0.1:8080/openapi.json"}, []string{"give its base URL, http://127.0.0.1:8080"}},
		{[]string{"-wait", "0s"}, []string{"-wait 0s is not positive", "such as 30s"}},
		{[]string{"-wait", "-2m"}, []string{"-wait -2m0s is not positive", "such as 30s"}},
	} {
		_, err := parseFlags(append(tokens, tc.args...), io.Discard)
		require.Error(t, err, "%v", tc.args)
		var ue usageError
		assert.True(t, errors.As(err, &ue), "%v: a usage error (exit status 2): %T", tc.args, err)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w, tc.args)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "https://hcx.example/operator/", "https://hcx.example/v1/onboarding-demo"} {
		_, err := parseFlags(append(tokens, "-url", u), io.Discard)
		assert.NoError(t, err, u)
	}
}
