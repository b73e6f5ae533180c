package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A staff retry of a dead letter has the operator send a message to the
// outside world again: the log says which member did it, of which
// message, under the request's id.
func TestDeadLetterRetryNamesTheStaffMember(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	n := &failingNotifier{fail: true}
	now := time.Now()
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithNotifier(n), onboarding.WithClock(func() time.Time { return now }),
		onboarding.WithOutboxDeadAfter(time.Minute)}, httpapi.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	f.submit(f.regulator("Logged Retry Regulator"))
	now = now.Add(10 * time.Minute)
	_, err := f.svc.DispatchOutbox(context.Background())
	require.NoError(t, err)
	dead, err := f.svc.DeadLetters(context.Background(), 1, "")
	require.NoError(t, err)
	require.Len(t, dead, 1)

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: bearer(staffToken),
		body: httpapi.RetryRequest{ID: dead[0].ID}})
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	var found map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec["message"] == dead[0].ID && rec["staff"] != nil {
			found = rec
		}
	}
	require.NotNil(t, found, "the retry is logged with its staff member: %s", logs.String())
	require.Equal(t, staffID, found["staff"])
	require.Equal(t, res.header.Get(httpapi.RequestIDHeader), found["request_id"])
}
