package onboarding_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The log record of a message a request's change failed to deliver names
// that request's id, as its transition's record does; a delivery outside
// any request (the dispatcher's) names none.
func TestUndeliveredLogNamesTheRequestID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	w.notes.setFail(errors.New("smtp: connection refused"))
	ctx := onboarding.WithRequestID(context.Background(), "req-undelivered")
	_, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)

	undelivered := func() []map[string]any {
		var out []map[string]any
		sc := bufio.NewScanner(strings.NewReader(w.logs.String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "onboarding: notification not delivered" {
				out = append(out, rec)
			}
		}
		return out
	}
	recs := undelivered()
	require.NotEmpty(t, recs)
	for _, rec := range recs {
		assert.Equal(t, "req-undelivered", rec["request_id"])
	}

	w.clock.Advance(onboarding.DefaultOutboxDeadAfter / 2)
	_, err = svc.DispatchOutbox(context.Background())
	require.NoError(t, err)
	recs = undelivered()
	require.Greater(t, len(recs), 1, "the dispatcher's attempt failed too")
	assert.NotContains(t, recs[len(recs)-1], "request_id", "the dispatcher serves no request")
}
