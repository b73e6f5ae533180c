package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
