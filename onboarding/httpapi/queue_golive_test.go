package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An application past step 3 waits on an approver's go-live, though no
// task marks it: the staff queue's default lists it beside the reviews,
// as the console's default queue does, and waiting=go-live lists those
// alone. A live participant belongs to the registry search, not the queue.
func TestStaffQueueDefaultListsApplicationsWaitingForGoLive(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	review, _ := f.submit(f.regulator("Review Waiting Regulator"))
	golive, _ := f.provisioned("Go-live Waiting Regulator")
	live, _ := f.live("Already Live Regulator")

	ids := func(path string) ([]string, string) {
		t.Helper()
		res := f.do(request{method: http.MethodGet, path: path, auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.body)
		var q httpapi.QueueResponse
		res.decode(t, &q)
		var out []string
		for _, a := range q.Applications {
			out = append(out, a.ID)
		}
		return out, q.Next
	}
	got, next := ids("/v1/onboarding/staff/applications")
	assert.Contains(t, got, review.ID)
	assert.Contains(t, got, golive.ID, "waiting for go-live is waiting on staff")
	assert.NotContains(t, got, live.ID)
	assert.Empty(t, next)
	assert.Equal(t, []string{review.ID, golive.ID}, got, "oldest first")

	got, _ = ids("/v1/onboarding/staff/applications?waiting=go-live")
	assert.Equal(t, []string{golive.ID}, got)

	// A page at a time, by cursor, across both kinds of wait.
	first, next := ids("/v1/onboarding/staff/applications?limit=1")
	require.Equal(t, []string{review.ID}, first)
	require.NotEmpty(t, next)
	second, next := ids("/v1/onboarding/staff/applications?limit=1&cursor=" + url.QueryEscape(next))
	assert.Equal(t, []string{golive.ID}, second)
	assert.Empty(t, next)
	second, _ = ids("/v1/onboarding/staff/applications?limit=1&offset=1")
	assert.Equal(t, []string{golive.ID}, second)

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=go-live&stage=live", auth: bearer(staffToken)})
	assert.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)

	// The console's default queue lists the same.
	b := newBrowser(t, srv)
	b.login(staffToken)
	q := b.get("/console/queue")
	require.Equal(t, http.StatusOK, q.status, q.body)
	assert.Contains(t, q.body, `href="/console/applications/`+review.ID+`"`)
	assert.Contains(t, q.body, `href="/console/applications/`+golive.ID+`"`)
	assert.NotContains(t, q.body, `href="/console/applications/`+live.ID+`"`)
}
