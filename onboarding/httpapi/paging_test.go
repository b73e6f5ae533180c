package httpapi_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

// pages follows a listing from its first page through each next, and
// returns the keys of each page. page sends the request for a cursor (""
// for the first page) and returns the page's keys and next.
func pages(t *testing.T, page func(cursor string) ([]string, string)) [][]string {
	t.Helper()
	var out [][]string
	cursor := ""
	for range 20 {
		keys, next := page(cursor)
		out = append(out, keys)
		if next == "" {
			return out
		}
		require.NotEqual(t, cursor, next, "a next that does not move")
		cursor = next
	}
	require.FailNow(t, "more than 20 pages")
	return nil
}

// getPages reads a GET listing for pages: path (holding its query) and
// the cursor, with auth; keys gives a decoded page's keys and next.
func getPages[T any](t *testing.T, f *fixture, path, auth string, keys func(*T) ([]string, string)) func(cursor string) ([]string, string) {
	return func(cursor string) ([]string, string) {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		res := f.do(request{method: http.MethodGet, path: p, auth: auth})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var out T
		res.decode(t, &out)
		return keys(&out)
	}
}

// postPages is getPages for a search whose body (made for a cursor)
// is posted to path.
func postPages[T any](t *testing.T, f *fixture, path string, body func(cursor string) any, keys func(*T) ([]string, string)) func(cursor string) ([]string, string) {
	return func(cursor string) ([]string, string) {
		res := f.do(request{method: http.MethodPost, path: path, auth: bearer(staffToken), body: body(cursor)})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		var out T
		res.decode(t, &out)
		return keys(&out)
	}
}

// reviewed submits n regulator applications, each waiting on a staff
// review, and returns their ids in submission order.
func (f *fixture) reviewed(n int) []string {
	f.t.Helper()
	var ids []string
	for i := range n {
		ids = append(ids, f.submitApart(f.pagingRegulator(i)))
	}
	return ids
}

// pagingRegulator is the i-th of reviewed's regulator applications.
func (f *fixture) pagingRegulator(i int) *hcxonboard.Application {
	app := f.regulator(fmt.Sprintf("Paging Regulator %d", i))
	code := fmt.Sprintf("reg-page-%d", i)
	app.SandboxParticipantCode, app.SandboxCertificate = code, f.cert(code, hcxonboard.RoleRegulator)
	app.PrimaryEmail, app.PrimaryMobile = fmt.Sprintf("hcx%d@regulator.example", i), fmt.Sprintf("90000200%02d", i)
	return app
}

// submitApart submits app a moment after the last submission, so that
// submission times differ, and returns its id.
func (f *fixture) submitApart(app *hcxonboard.Application) string {
	f.t.Helper()
	time.Sleep(2 * time.Millisecond)
	a, _ := f.submit(app)
	return a.ID
}

// The default staff queue merges what waits on a review and what waits on
// a payer: pages by cursor hold both, interleaved in submission order,
// each once, through the API and the console's "decide" tab.
func TestMergedQueuePagesByCursor(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	creds, _ := f.livePayer()
	var ids []string
	for i := range 4 {
		ids = append(ids, f.submitApart(f.pagingRegulator(i)), f.submitApart(f.empanelled(i, creds.ParticipantCode)))
	}
	pp := pages(t, getPages(t, f, "/v1/onboarding/staff/applications?limit=3", bearer(staffToken),
		func(out *httpapi.QueueResponse) ([]string, string) {
			var keys []string
			for _, a := range out.Applications {
				keys = append(keys, a.ID)
			}
			return keys, out.Next
		}))
	assert.Equal(t, ids, flatten(pp))
	assert.Equal(t, []int{3, 3, 2}, sizes(pp))

	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/queue?waiting=decide")
	require.Equal(t, http.StatusOK, p.status)
	var seen []string
	for _, m := range consoleAppLink.FindAllStringSubmatch(p.body, -1) {
		if !slices.Contains(seen, m[1]) {
			seen = append(seen, m[1])
		}
	}
	assert.Equal(t, ids, seen, "both kinds, in order")
}

func flatten(pp [][]string) []string {
	var out []string
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}

func sizes(pp [][]string) []int {
	out := make([]int, len(pp))
	for i, p := range pp {
		out[i] = len(p)
	}
	return out
}

// Every listing and search of the API pages by an opaque cursor: each
// page answers next, the pages hold every item once in order, and the
// last answers none.
func TestListingsPageByCursor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.reviewed(5)

	queueKeys := func(out *httpapi.QueueResponse) ([]string, string) {
		var keys []string
		for _, a := range out.Applications {
			keys = append(keys, a.ID)
		}
		return keys, out.Next
	}
	for _, query := range []string{
		"",                // what waits on staff: several task kinds merged
		"&waiting=review", // one kind
		"&waiting=all",    // every application
		"&stage=verifying",
	} {
		pp := pages(t, getPages(t, f, "/v1/onboarding/staff/applications?limit=2"+query, bearer(staffToken), queueKeys))
		assert.Equal(t, ids, flatten(pp), query)
		assert.Equal(t, []int{2, 2, 1}, sizes(pp), query)
		pp = pages(t, getPages(t, f, "/v1/onboarding/staff/applications?limit=5"+query, bearer(staffToken), queueKeys))
		assert.Equal(t, [][]string{ids}, pp, "%s: one full page, and no next", query)
	}
}

// What a listing refuses: a cursor it did not issue, an offset past the
// bound (naming the cursor), an offset and a cursor at once.
func TestListingsRefuseBadPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.reviewed(3)
	_, next := func() ([]string, string) {
		res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?limit=1", auth: bearer(staffToken)})
		require.Equal(t, http.StatusOK, res.status)
		var out httpapi.QueueResponse
		res.decode(t, &out)
		return nil, out.Next
	}()
	require.NotEmpty(t, next)

	for _, tc := range []struct {
		name, method, path string
		body               any
		mention            string
	}{
		{"queue, forged cursor", http.MethodGet, "/v1/onboarding/staff/applications?cursor=c1.bm90LWEtY3Vyc29y", nil, "cursor"},
		{"queue, cursor and offset", http.MethodGet, "/v1/onboarding/staff/applications?offset=1&cursor=" + url.QueryEscape(next), nil, "cursor"},
		{"queue, offset past the bound", http.MethodGet, "/v1/onboarding/staff/applications?waiting=all&offset=10001", nil, "cursor"},
		{"merged queue, offset past a merge", http.MethodGet, "/v1/onboarding/staff/applications?offset=999&limit=2", nil, "cursor"},
		{"search, forged cursor", http.MethodPost, "/v1/onboarding/participants/search", registry.Query{Cursor: "garbage"}, "cursor"},
		{"search, offset past the bound", http.MethodPost, "/v1/onboarding/participants/search", registry.Query{Offset: 10001}, "cursor"},
		{"specification search, offset past the bound", http.MethodPost, "/v0.9/participant/search", httpapi.SpecSearchRequest{Offset: 10001}, "cursor"},
		{"specification search, forged cursor", http.MethodPost, "/v0.9/participant/search", httpapi.SpecSearchRequest{Cursor: "c1.!!"}, "cursor"},
		{"dead letters, cursor and after apart", http.MethodGet, "/v1/onboarding/staff/outbox?cursor=a&after=b", nil, "cursor"},
		{"expiring, forged cursor", http.MethodGet, "/v1/onboarding/staff/certificates/expiring?cursor=zz", nil, "cursor"},
		{"expiring, limit past the bound", http.MethodGet, "/v1/onboarding/staff/certificates/expiring?limit=1001", nil, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(request{method: tc.method, path: tc.path, body: tc.body, auth: bearer(staffToken)})
			require.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
			assert.Contains(t, strings.ToLower(res.envelope(t).Error.Message), tc.mention)
		})
	}
}

// Expiring certificates page by participant.
func TestExpiringCertificatesPageByCursor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var want []string
	for i := range 4 {
		a, _ := f.live(fmt.Sprintf("Expiring Regulator %d", i))
		want = append(want, a.Participant.ParticipantCode)
	}
	pp := pages(t, getPages(t, f, "/v1/onboarding/staff/certificates/expiring?within_days=400&limit=2", bearer(staffToken),
		func(out *httpapi.ExpiringResponse) ([]string, string) {
			var keys []string
			for _, c := range out.Certificates {
				keys = append(keys, c.ParticipantCode)
			}
			return keys, out.Next
		}))
	assert.ElementsMatch(t, want, flatten(pp))
	assert.Equal(t, []int{2, 2}, sizes(pp), "the last page, full, answers no next")
}

// A payer pages through the approval requests addressed to it.
func TestPayerApprovalsPageByCursor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	creds, tok := f.livePayer()
	var want []string
	for i := range 4 {
		app, _ := f.submit(f.empanelled(i, creds.ParticipantCode))
		want = append(want, app.ID)
		time.Sleep(2 * time.Millisecond)
	}
	pp := pages(t, getPages(t, f, "/v1/onboarding/payer/approvals?limit=2", bearer(tok.Value),
		func(out *httpapi.ApprovalRequestsResponse) ([]string, string) {
			var keys []string
			for _, q := range out.Requests {
				keys = append(keys, q.ApplicationID)
			}
			return keys, out.Next
		}))
	assert.Equal(t, want, flatten(pp))
	assert.Equal(t, []int{2, 2}, sizes(pp), "the last page, full, answers no next")

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/payer/approvals?cursor=forged", auth: bearer(tok.Value)})
	assert.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
}

var (
	consoleAppLink = regexp.MustCompile(`href="/console/applications/([^"/]+)"`)
	consoleNext    = regexp.MustCompile(`<a href="([^"]+)">Next →</a>`)
)

// The console's queue pages by cursor: Next leads on, each application
// shows once, and the first page is a click away.
func TestConsoleQueuePagesByCursor(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	ids := f.reviewed(53) // more than a page of 50
	b := newBrowser(t, srv)
	b.login(staffToken)
	var seen []string
	path := "/console/queue?waiting=decide"
	for range 5 {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.status, "body: %s", p.body)
		var onPage []string // an application may be linked more than once on its page
		for _, m := range consoleAppLink.FindAllStringSubmatch(p.body, -1) {
			if !slices.Contains(onPage, m[1]) {
				onPage = append(onPage, m[1])
			}
		}
		seen = append(seen, onPage...)
		if path != "/console/queue?waiting=decide" {
			assert.Contains(t, p.body, "First page")
		}
		next := consoleNext.FindStringSubmatch(p.body)
		if next == nil {
			break
		}
		path = html.UnescapeString(next[1])
		require.Contains(t, path, "cursor=")
	}
	assert.Equal(t, ids, seen)
}

// Both participant searches — the API's and the specification's
// participant/search, plain or a queryString merged from three branches —
// answer next on a full page.
func TestSearchesPageByCursor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.reviewed(5)
	var want []string
	for _, id := range ids {
		a, err := f.svc.Application(context.Background(), id)
		require.NoError(t, err)
		want = append(want, a.Participant.ParticipantCode)
	}
	specKeys := func(out *httpapi.SpecSearchResponse) ([]string, string) {
		var keys []string
		for _, p := range out.Participants {
			keys = append(keys, p.ParticipantCode)
		}
		return keys, out.Next
	}
	limit := 2
	spec := func(filters map[string]httpapi.SpecCondition) func(string) any {
		return func(cursor string) any {
			return httpapi.SpecSearchRequest{Filters: filters, Limit: limit, Cursor: cursor}
		}
	}
	text := "paging regulator"
	for name, read := range map[string]func(string) ([]string, string){
		"API": postPages(t, f, "/v1/onboarding/participants/search", func(cursor string) any {
			return registry.Query{Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleRegulator))}, Limit: limit, Cursor: cursor}
		}, func(out *httpapi.SearchResponse) ([]string, string) {
			var keys []string
			for _, p := range out.Participants {
				keys = append(keys, p.ParticipantCode)
			}
			return keys, out.Next
		}),
		"specification, roles eq": postPages(t, f, "/v0.9/participant/search",
			spec(map[string]httpapi.SpecCondition{registry.FieldRoles: {Condition: registry.Eq(string(hcxonboard.RoleRegulator))}}), specKeys),
		"specification, queryString": postPages(t, f, "/v0.9/participant/search",
			spec(map[string]httpapi.SpecCondition{registry.FieldName: {QueryString: &text}}), specKeys),
	} {
		limit = 2
		pp := pages(t, read)
		assert.Equal(t, want, flatten(pp), name)
		assert.Equal(t, []int{2, 2, 1}, sizes(pp), name)
		limit = 5
		assert.Equal(t, [][]string{want}, pages(t, read), "%s: one full page, and no next", name)
	}
}
