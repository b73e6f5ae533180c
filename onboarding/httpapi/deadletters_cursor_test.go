package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// The dead-letter listing pages by an opaque cursor like every other
// listing: its next is one the registry issued, not a message id.
func TestDeadLettersNextIsOpaque(t *testing.T) {
	t.Parallel()
	n := &failingNotifier{fail: true}
	now := time.Now()
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithNotifier(n), onboarding.WithClock(func() time.Time { return now }),
		onboarding.WithOutboxDeadAfter(time.Minute)})
	f.submit(f.regulator("Dead Letter Regulator One"))
	f.submit(f.regulator("Dead Letter Regulator Two"))
	now = now.Add(10 * time.Minute)
	_, err := f.svc.DispatchOutbox(context.Background())
	require.NoError(t, err)

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox?limit=1", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var out httpapi.OutboxResponse
	res.decode(t, &out)
	require.Len(t, out.Messages, 1)
	require.NotEmpty(t, out.Next)
	require.NotEqual(t, out.Messages[0].ID, out.Next, "next is an opaque cursor, not the last message's id")
	_, err = registry.DecodeCursor(out.Next)
	require.NoError(t, err, "next %q is a cursor the registry issued", out.Next)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox?limit=1&cursor=" + url.QueryEscape(out.Next), auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var second httpapi.OutboxResponse
	res.decode(t, &second)
	require.Len(t, second.Messages, 1, "the cursor pages on")
	require.NotEqual(t, out.Messages[0].ID, second.Messages[0].ID)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox?cursor=c1.bm90LWEtY3Vyc29y", auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "a cursor the registry did not issue: %s", res.body)
}
