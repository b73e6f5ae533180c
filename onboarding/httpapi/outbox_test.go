package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// failingOnce is a Notifier that fails until told otherwise.
type failingNotifier struct {
	fail bool
}

func (n *failingNotifier) Notify(context.Context, onboarding.Message) error {
	if n.fail {
		return errors.New("relay refused the message for ops@operator.example")
	}
	return nil
}

// Staff see the messages given up on — never their payload — and send
// one again.
func TestDeadLettersOverHTTP(t *testing.T) {
	t.Parallel()
	n := &failingNotifier{fail: true}
	now := time.Now()
	clock := func() time.Time { return now }
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithNotifier(n), onboarding.WithClock(func() time.Time { return clock() }),
		onboarding.WithOutboxDeadAfter(time.Minute)})
	a, _ := f.submit(f.regulator("Dead Letter Regulator"))
	now = now.Add(10 * time.Minute)
	_, err := f.svc.DispatchOutbox(context.Background())
	require.NoError(t, err)

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var out httpapi.OutboxResponse
	res.decode(t, &out)
	require.NotEmpty(t, out.Messages)
	assert.Equal(t, a.ID, out.Messages[0].ApplicationID)
	assert.Equal(t, "dead", out.Messages[0].State)
	assert.NotContains(t, string(res.body), "ops@operator.example", "addresses in errors are masked")
	assert.NotContains(t, string(res.body), "payload")

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", auth: bearer(f.h.ApplicantToken(a.ID))})
	assert.Equal(t, http.StatusForbidden, res.status, "staff only")

	// Page by page, the last full page answering no next.
	all := make([]string, 0, len(out.Messages))
	for _, m := range out.Messages {
		all = append(all, m.ID)
	}
	pp := pages(t, getPages(t, f, "/v1/onboarding/staff/outbox?limit=1", bearer(staffToken),
		func(out *httpapi.OutboxResponse) ([]string, string) {
			var keys []string
			for _, m := range out.Messages {
				keys = append(keys, m.ID)
			}
			return keys, out.Next
		}))
	assert.Equal(t, all, flatten(pp))
	assert.Len(t, pp, len(all), "one a page, no empty page after")

	n.fail = false
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: bearer(staffToken),
		body: httpapi.RetryRequest{ID: out.Messages[0].ID}})
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	sent, err := f.svc.DispatchOutbox(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, sent)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/outbox/retry", auth: bearer(staffToken),
		body: httpapi.RetryRequest{ID: "nothing/1/0"}})
	assert.Equal(t, http.StatusNotFound, res.status)
}
