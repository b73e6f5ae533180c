//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperatorArgsProcess is not a test: TestBadFlagExitsTwo runs the
// test binary again with HCX_OPERATOR_ARGS set, to run main with those
// arguments (separated by newlines).
func TestOperatorArgsProcess(t *testing.T) {
	args := os.Getenv("HCX_OPERATOR_ARGS")
	if args == "" {
		t.Skip("run by TestBadFlagExitsTwo")
	}
	os.Args = append([]string{"operator"}, strings.Split(args, "\n")...)
	main()
}

// A command line that cannot work — an unknown flag, a value a flag does
// not take, a stray argument — ends the process with exit status 2 and
// says what is wrong, as the flag package's own programs do; -h is no
// error.
func TestBadFlagExitsTwo(t *testing.T) {
	t.Parallel()
	runMain := func(args ...string) (int, string) {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestOperatorArgsProcess$")
		cmd.Env = append(os.Environ(), "HCX_OPERATOR_ARGS="+strings.Join(args, "\n"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), stderr.String()
		}
		require.NoError(t, err)
		return 0, stderr.String()
	}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"-no-such-flag"}, "-no-such-flag"},
		{[]string{"-readiness", "sometimes"}, `-readiness "sometimes"`},
		{[]string{"-schedule-workers", "many"}, "-schedule-workers"},
		{[]string{"-data", t.TempDir(), "stray"}, "unexpected arguments"},
		{[]string{"-data", t.TempDir(), "-addr", "8080"}, `-addr "8080"`},
	} {
		code, stderr := runMain(tc.args...)
		assert.Equal(t, 2, code, "%v: exit status; stderr: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.says, tc.args)
	}
	code, _ := runMain("-h")
	assert.Equal(t, 0, code, "-h asks for the usage: no error")
}

// What run returns decides the exit status: a failure of the operator
// itself (its data directory refused, say) is 1, not a usage error.
func TestExitStatus(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 0, exitStatus(nil))
	assert.Equal(t, 2, exitStatus(&usageError{err: errors.New("-x: bad")}))
	assert.Equal(t, 1, exitStatus(errors.New("open registry.db: disk full")))
}
