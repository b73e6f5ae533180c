package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A dead letter staff retried, and that died again, says when it was
// retried: staff tell a message nobody tried again from one that failed
// again after their retry.
func TestDeadLetterSaysWhenItWasRetried(t *testing.T) {
	t.Parallel()
	n := &failingNotifier{fail: true}
	now := time.Now().UTC().Truncate(time.Second)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithNotifier(n), onboarding.WithClock(func() time.Time { return now }),
		onboarding.WithOutboxDeadAfter(time.Minute)})
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	console := func() string {
		t.Helper()
		b := newBrowser(t, srv)
		b.login(staffToken)
		p := b.get("/console/outbox")
		require.Equal(t, http.StatusOK, p.status, "body: %s", p.body)
		return p.body
	}
	f.submit(f.regulator("Twice Dead Regulator"))
	now = now.Add(10 * time.Minute)
	_, err := f.svc.DispatchOutbox(context.Background())
	require.NoError(t, err)

	list := func() []httpapi.OutboxMessage {
		t.Helper()
		res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var out httpapi.OutboxResponse
		res.decode(t, &out)
		require.NotEmpty(t, out.Messages)
		return out.Messages
	}
	first := list()[0]
	require.True(t, first.RetriedAt.IsZero(), "never retried")
	require.NotContains(t, console(), "retried ")

	retried := now
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: bearer(staffToken),
		body: httpapi.RetryRequest{ID: first.ID}})
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	for range 3 {
		_, err = f.svc.DispatchOutbox(context.Background())
		require.NoError(t, err)
		now = now.Add(time.Minute)
	}
	for _, m := range list() {
		if m.ID == first.ID {
			require.Equal(t, "dead", m.State, "dead again a minute after the retry")
			require.True(t, retried.Equal(m.RetriedAt), "retried at %s, listed %s", retried, m.RetriedAt)
			require.Greater(t, m.Attempts, first.Attempts)
			require.Contains(t, console(), "retried ", "the console says so too")
			return
		}
	}
	t.Fatal("the retried message is not listed")
}
