package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An audit trail's cursor pages on through that trail only: given to
// another application's trail, or to another listing, it is refused
// (400), never read as a position there, which would skip events
// without a word.
func TestEventsCursorOfAnotherTrailIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.reviewed(2)
	events := func(id string) string { return "/v1/onboarding/staff/applications/" + id + "/events" }

	res := f.do(request{method: http.MethodGet, path: events(ids[0]) + "?limit=1", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var page httpapi.EventsResponse
	res.decode(t, &page)
	require.NotEmpty(t, page.Next)
	next := url.QueryEscape(page.Next)

	res = f.do(request{method: http.MethodGet, path: events(ids[0]) + "?limit=1&cursor=" + next, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "its own trail pages on: %s", res.body)

	res = f.do(request{method: http.MethodGet, path: events(ids[1]) + "?limit=1&cursor=" + next, auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "another application's trail: %s", res.body)
	res.envelope(t)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/certificates/expiring?cursor=" + next, auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "another listing: %s", res.body)

	// A cursor another listing answered is no position in a trail either.
	res = f.do(request{method: http.MethodGet, path: events(ids[1]) + "?limit=1", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=all&limit=1", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var queue httpapi.QueueResponse
	res.decode(t, &queue)
	require.NotEmpty(t, queue.Next)
	res = f.do(request{method: http.MethodGet, path: events(ids[1]) + "?limit=1&cursor=" + url.QueryEscape(queue.Next), auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "the queue's cursor: %s", res.body)
}
