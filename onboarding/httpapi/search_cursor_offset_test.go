package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// searchAsStaff posts q to the participant search with the staff token.
func searchAsStaff(t *testing.T, f *fixture, q any) (int, httpapi.SearchResponse, []byte) {
	t.Helper()
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: bearer(staffToken), body: q})
	var out httpapi.SearchResponse
	if res.status == http.StatusOK {
		res.decode(t, &out)
	}
	return res.status, out, res.body
}

// A search given both an offset and a cursor is refused, as the queue refuses it.
func TestSearchRefusesCursorAndOffset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.reviewed(5)
	st, out, body := searchAsStaff(t, f, registry.Query{Limit: 1})
	require.Equal(t, http.StatusOK, st, "%s", body)
	require.NotEmpty(t, out.Next)
	st, out2, body := searchAsStaff(t, f, registry.Query{Limit: 1, Offset: 2, Cursor: out.Next})
	assert.Equal(t, http.StatusBadRequest, st, "search with offset and cursor at once: %s", body)
	assert.Empty(t, out2.Participants)
	assert.Contains(t, string(body), "give offset or cursor, not both")

	sst := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(staffToken),
		body: httpapi.SpecSearchRequest{Limit: 1, Offset: 2, Cursor: out.Next}})
	assert.Equal(t, http.StatusBadRequest, sst.status, "spec search with offset and cursor at once: %s", sst.body)
}

// A cursor is bound to the listing and the filters that answered it: one
// given back with other filters, to another listing, or made by hand in
// the store's format is refused; one given back as it came pages on.
func TestCursorsAreBoundToTheirQuery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.reviewed(4)
	regulators := map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleRegulator))}
	st, out, body := searchAsStaff(t, f, registry.Query{Limit: 2, Filters: regulators})
	require.Equal(t, http.StatusOK, st, "%s", body)
	require.NotEmpty(t, out.Next)
	st, again, body := searchAsStaff(t, f, registry.Query{Limit: 2, Cursor: out.Next, Filters: regulators})
	require.Equal(t, http.StatusOK, st, "the same filters page on: %s", body)
	require.Len(t, again.Participants, 2)
	assert.NotEqual(t, out.Participants[0].ParticipantCode, again.Participants[0].ParticipantCode)

	st, _, body = searchAsStaff(t, f, registry.Query{Limit: 2, Cursor: out.Next,
		Filters: map[string]registry.Condition{registry.FieldStatus: registry.Eq("Created")}})
	assert.Equal(t, http.StatusBadRequest, st, "cursor of another query: %s", body)
	assert.Contains(t, string(body), "another listing or to other filters")

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=all&limit=1", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var q httpapi.QueueResponse
	res.decode(t, &q)
	require.NotEmpty(t, q.Next)
	st, _, body = searchAsStaff(t, f, registry.Query{Limit: 2, Cursor: q.Next})
	assert.Equal(t, http.StatusBadRequest, st, "a queue cursor on the search: %s", body)
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=all&limit=1&cursor=" + url.QueryEscape(q.Next), auth: bearer(staffToken)})
	assert.Equal(t, http.StatusOK, res.status, "the queue's own cursor pages on: %s", res.body)
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=review&limit=1&cursor=" + url.QueryEscape(q.Next), auth: bearer(staffToken)})
	assert.Equal(t, http.StatusBadRequest, res.status, "the queue's cursor under another filter: %s", res.body)

	forged := registry.EncodeCursor(registry.Position{CreatedAt: time.Unix(1, 0), Key: "forged"})
	st, _, body = searchAsStaff(t, f, registry.Query{Limit: 2, Cursor: forged})
	assert.Equal(t, http.StatusBadRequest, st, "a cursor in the store's format, made by hand: %s", body)
	res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(staffToken),
		body: httpapi.SpecSearchRequest{Limit: 1, Cursor: out.Next}})
	assert.Equal(t, http.StatusBadRequest, res.status, "the v1 search's cursor on the specification's: %s", res.body)
}
