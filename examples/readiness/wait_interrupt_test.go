package main

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// At the -wait prompt ("then press Enter"), Ctrl-C must end the command:
// main turns SIGINT into the cancellation of run's context
// (signal.NotifyContext), so nothing else will stop it.
func TestWaitPromptEndsOnInterrupt(t *testing.T) {
	s := newSelfTest(t)
	stdinR, stdinW := io.Pipe() // the person never presses Enter
	t.Cleanup(func() { _ = stdinW.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, s.args("-wait"), stdinR, &out, &errOut) }()

	// Wait for the prompt, then press Ctrl-C.
	deadline := time.Now().Add(5 * time.Second)
	for !bytes.Contains([]byte(errOut.String()), []byte("press Enter")) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code == exitReady {
			t.Fatalf("an interrupted run says ready")
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("the command still waits for Enter 3 s after Ctrl-C; stderr:\n%s", errOut.String())
	}
}
