package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator stopped mid-run (Ctrl-C in its terminal) ends the
// walkthrough at the first call it does not answer, with what to do — not
// one "dial tcp …: connection refused" per sample left.
func TestOperatorGoneStopsTheRun(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing answers there now

	var out bytes.Buffer
	w := testWalker(base, &out)
	samples := []sample{
		{file: "application-payer.json", category: verifier.CategoryPayer, app: &hcxonboard.Application{ParticipantName: "Payer"}},
		{file: "application-tpa.json", category: verifier.CategoryTPA, app: &hcxonboard.Application{ParticipantName: "TPA"}},
	}
	results, err := w.walkAll(context.Background(), samples)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the operator at "+base+" stopped answering")
	assert.Contains(t, err.Error(), "1 sample was not tried")
	assert.Contains(t, err.Error(), "delete /the/operator/data")
	assert.NotContains(t, err.Error(), "dial tcp")
	require.Len(t, results, 1, "the run stops at the first sample")
	assert.Error(t, results[0].err)
	assert.NotContains(t, out.String(), "TPA", "the second sample is not tried")

	// An operator that answers, refusing a sample, does not stop the run.
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusBadRequest)
		_, _ = rw.Write([]byte(`{"timestamp": 1, "error": {"code": "ERR_INVALID_PAYLOAD", "message": "no"}}`))
	})}
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	base = "http://" + ln.Addr().String()
	out.Reset()
	w = testWalker(base, &out)
	results, err = w.walkAll(context.Background(), samples)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 of 2 samples did not go live")
	assert.Len(t, results, 2)
}

// No operator at -url: said in the operator's words, with what to do, not
// Go's "Get …: dial tcp …: connect: connection refused".
func TestNoOperatorSaysWhatToDo(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	err = run(context.Background(), []string{"-url", base, "-data", t.TempDir(), "-reviewer-token", "r", "-approver-token", "a"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no operator answers at "+base+" (connection refused): start one with go run ./examples/operator")
	assert.NotContains(t, err.Error(), "dial tcp")
}

// testWalker is a walker of the operator at base, with the data directory
// /the/operator/data, printing to out.
func testWalker(base string, out io.Writer) *walker {
	return &walker{
		cfg: config{url: base, data: "/the/operator/data"},
		api: &client{base: base, http: &http.Client{Timeout: 5 * time.Second}},
		out: out,
	}
}
