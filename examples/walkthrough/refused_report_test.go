package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A sample the operator refuses on its face (422, nothing stored) is
// reported with what the operator's report says is wrong — its answer says
// "the report says what to fix", so the walkthrough shows that report —
// and, since the demo's samples pass on their own operator, a hint that
// -data may name another operator's directory.
func TestSubmitRefusedShowsTheReport(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = rw.Write([]byte(`{"timestamp": 1, "error": {"code": "ERR_INVALID_APPLICATION",
		  "message": "the application is incomplete or invalid; the report says what to fix. Nothing was stored"},
		  "verdict": "invalid", "categories": ["bsp"], "requirements": [
		    {"id": "sandbox_certificate", "outcome": "invalid", "message": "signature does not verify"},
		    {"id": "participant_name", "outcome": "satisfied", "message": "Participant name: X"},
		    {"id": "gstin", "outcome": "missing", "message": "GSTIN not given"}]}`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	w := testWalker(srv.URL, &out)
	results, err := w.walkAll(context.Background(), []sample{
		{file: "application-bsp.json", category: verifier.CategoryBSP, app: &hcxonboard.Application{ParticipantName: "X"}},
	})
	require.Error(t, err)
	require.Len(t, results, 1)
	msg := results[0].err.Error()
	assert.Contains(t, msg, "422 ERR_INVALID_APPLICATION")
	assert.Contains(t, msg, "sandbox_certificate (invalid): signature does not verify")
	assert.Contains(t, msg, "gstin (missing): GSTIN not given")
	assert.NotContains(t, msg, "participant_name", "only what is wrong")
	assert.Contains(t, msg, "-data /the/operator/data")
	assert.Contains(t, out.String(), "sandbox_certificate (invalid)")
}
