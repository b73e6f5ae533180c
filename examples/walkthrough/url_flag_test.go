package main

import (
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An -url the walkthrough cannot call, or an empty -data, is a command
// line that cannot work, said as such before anything is tried: not "no
// operator answers at 127.0.0.1:8080 (parse …: first path segment in URL
// cannot contain colon)", as if the operator were down.
func TestURLAndDataFlags(t *testing.T) {
	t.Parallel()
	tokens := []string{"-reviewer-token", "r", "-approver-token", "a"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-url", "127.0.0.1:8080"}, `-url "127.0.0.1:8080": want the operator's base URL, such as http://127.0.0.1:8080, as its banner prints`},
		{[]string{"-url", "localhost"}, `-url "localhost": want the operator's base URL`},
		{[]string{"-url", "ftp://127.0.0.1:8080"}, `-url "ftp://127.0.0.1:8080": want the operator's base URL`},
		{[]string{"-url", ""}, `-url "": want the operator's base URL`},
		{[]string{"-data", ""}, "-data is empty: give the operator's -data, as its banner prints"},
	} {
		_, err := parseFlags(append(tokens, tc.args...), io.Discard)
		require.Error(t, err, "%v", tc.args)
		var ue usageError
		assert.True(t, errors.As(err, &ue), "%v: a usage error (exit status 2): %T", tc.args, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "https://hcx.example/operator"} {
		c, err := parseFlags(append(tokens, "-url", u), io.Discard)
		require.NoError(t, err, u)
		assert.NotEqual(t, '/', c.url[len(c.url)-1])
	}
}
