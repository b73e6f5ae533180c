//go:build unix

package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperatorProcess is not a test: TestSecondSignalStopsAtOnce runs the
// test binary again with HCX_OPERATOR_PROCESS set, to run main there.
func TestOperatorProcess(t *testing.T) {
	dir := os.Getenv("HCX_OPERATOR_PROCESS")
	if dir == "" {
		t.Skip("run by TestSecondSignalStopsAtOnce")
	}
	os.Args = []string{"operator", "-addr", "127.0.0.1:0", "-data", dir}
	main()
}

// The first SIGINT stops the operator gracefully, waiting for requests
// under way; a second one, from an operator who will not wait, stops it
// at once, as Ctrl-C does to other programs.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestOperatorProcess$")
	cmd.Env = append(os.Environ(), "HCX_OPERATOR_PROCESS="+t.TempDir())
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := bufio.NewScanner(out)
	var base string
	for base == "" && lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	require.NotEmpty(t, base, "the operator printed where it listens")
	go func() {
		for lines.Scan() { // keep the pipe drained
		}
	}()

	// A request under way that will not end: the graceful stop waits for
	// it (up to its 10 s bound).
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("POST /v1/onboarding/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"))
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond)

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	time.Sleep(500 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a second SIGINT did not stop the operator")
	}
	assert.False(t, cmd.ProcessState.Success(), "stopped by the signal, not a clean stop")
}
