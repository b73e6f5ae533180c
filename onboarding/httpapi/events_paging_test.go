package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// TestEventsPageByCursor: the audit trail pages like every listing — limit,
// an opaque cursor, next — and the pages together are the whole trail.
func TestEventsPageByCursor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.reviewed(1)[0]
	path := "/v1/onboarding/staff/applications/" + id + "/events"
	res := f.do(request{method: http.MethodGet, path: path, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var whole httpapi.EventsResponse
	res.decode(t, &whole)
	require.Greater(t, len(whole.Events), 1)
	require.Empty(t, whole.Next, "the whole trail at once, as ever")

	var seqs []int64
	for cursor, pages := "", 0; ; pages++ {
		require.Less(t, pages, 100)
		q := url.Values{"limit": {"1"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		res := f.do(request{method: http.MethodGet, path: path + "?" + q.Encode(), auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var page httpapi.EventsResponse
		res.decode(t, &page)
		require.LessOrEqual(t, len(page.Events), 1)
		require.True(t, page.Chain.Verified)
		for _, e := range page.Events {
			seqs = append(seqs, e.Seq)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	var want []int64
	for _, e := range whole.Events {
		want = append(want, e.Seq)
	}
	require.Equal(t, want, seqs, "the pages are the trail")

	res = f.do(request{method: http.MethodGet, path: path + "?cursor=12", auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "a cursor the trail did not answer: %s", res.body)
}
