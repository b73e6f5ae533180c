package httpapi_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// The expiring-certificate and payer-approval listings bind their cursors
// as the searches and the queue do: a cursor given back with another
// window, to the other listing, or made by hand in the store's format is
// refused (400), rather than read as a position in a listing it does not
// belong to; one given back as it came pages on.
func TestListingCursorsAreBoundToTheirListing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 2 {
		f.live(fmt.Sprintf("Bound Cursor Regulator %d", i))
	}
	creds, tok := f.livePayer()
	for i := range 2 {
		f.submit(f.empanelled(i, creds.ParticipantCode))
		time.Sleep(2 * time.Millisecond)
	}
	next := func(path, auth string, out any, next func() string) string {
		res := f.do(request{method: http.MethodGet, path: path, auth: auth})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.body)
		res.decode(t, out)
		n := next()
		require.NotEmpty(t, n, path)
		return n
	}
	var ex httpapi.ExpiringResponse
	expiring := next("/v1/onboarding/staff/certificates/expiring?within_days=400&limit=1", bearer(staffToken), &ex, func() string { return ex.Next })
	var ap httpapi.ApprovalRequestsResponse
	approvals := next("/v1/onboarding/payer/approvals?limit=1", bearer(tok.Value), &ap, func() string { return ap.Next })
	handMade := registry.EncodeCursor(registry.Position{CreatedAt: time.Unix(1, 0), Key: "a"})

	for _, c := range []struct {
		name, path, auth string
		want             int
	}{
		{"expiring, its own cursor", "/v1/onboarding/staff/certificates/expiring?within_days=400&limit=1&cursor=" + url.QueryEscape(expiring), bearer(staffToken), http.StatusOK},
		{"expiring, another window", "/v1/onboarding/staff/certificates/expiring?within_days=399&limit=1&cursor=" + url.QueryEscape(expiring), bearer(staffToken), http.StatusBadRequest},
		{"expiring, the approvals' cursor", "/v1/onboarding/staff/certificates/expiring?within_days=400&cursor=" + url.QueryEscape(approvals), bearer(staffToken), http.StatusBadRequest},
		{"expiring, made by hand", "/v1/onboarding/staff/certificates/expiring?within_days=400&cursor=" + url.QueryEscape(handMade), bearer(staffToken), http.StatusBadRequest},
		{"approvals, its own cursor", "/v1/onboarding/payer/approvals?limit=1&cursor=" + url.QueryEscape(approvals), bearer(tok.Value), http.StatusOK},
		{"approvals, the expiring cursor", "/v1/onboarding/payer/approvals?cursor=" + url.QueryEscape(expiring), bearer(tok.Value), http.StatusBadRequest},
		{"approvals, made by hand", "/v1/onboarding/payer/approvals?cursor=" + url.QueryEscape(handMade), bearer(tok.Value), http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := f.do(request{method: http.MethodGet, path: c.path, auth: c.auth})
			assert.Equal(t, c.want, res.status, "body: %s", res.body)
			if c.want == http.StatusBadRequest {
				assert.Contains(t, res.envelope(t).Error.Message, "cursor")
			}
		})
	}
}

// The console's queue and participant list bind the cursors of their Next
// links likewise: a Next link pages on; its cursor on another tab, list or
// filter, or one made by hand, is refused.
func TestConsoleCursorsAreBoundToTheirList(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	f.reviewed(51) // more than a page of 50
	b := newBrowser(t, srv)
	b.login(staffToken)
	nextOf := func(path string) (string, string) {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.status, "%s: %s", path, p.body)
		m := consoleNext.FindStringSubmatch(p.body)
		require.NotNil(t, m, "%s has a Next link", path)
		u, err := url.Parse(html.UnescapeString(m[1]))
		require.NoError(t, err)
		return u.String(), u.Query().Get("cursor")
	}
	queueNext, queueCursor := nextOf("/console/queue?waiting=all")
	participantsNext, participantsCursor := nextOf("/console/participants?status=Created")
	assert.Equal(t, http.StatusOK, b.get(queueNext).status, "the queue's Next link pages on")
	p := b.get(participantsNext)
	require.Equal(t, http.StatusOK, p.status, "the list's Next link pages on")
	assert.Contains(t, p.body, "/console/participants/", "the second page lists participants")

	handMade := registry.EncodeCursor(registry.Position{CreatedAt: time.Unix(1, 0), Key: "a"})
	for _, path := range []string{
		"/console/queue?waiting=review&cursor=" + url.QueryEscape(queueCursor),
		"/console/participants?cursor=" + url.QueryEscape(queueCursor),
		"/console/participants?status=Active&cursor=" + url.QueryEscape(participantsCursor),
		"/console/queue?waiting=all&cursor=" + url.QueryEscape(participantsCursor),
		"/console/queue?waiting=all&cursor=" + url.QueryEscape(handMade),
		"/console/participants?cursor=" + url.QueryEscape(handMade),
	} {
		assert.Equal(t, http.StatusBadRequest, b.get(path).status, path)
	}
}
