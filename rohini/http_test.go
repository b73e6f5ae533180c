package rohini_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
)

const (
	goodID  = "8900080336704"
	otherID = "8900080412156"
	base    = "https://lookup.example"
	getURL  = base + "/hospitals/" + goodID
)

// fastRetry keeps retry tests quick.
var fastRetry = rohini.WithRetry(2, time.Millisecond, 20*time.Millisecond)

func newMockLookup(t *testing.T, tr *httpmock.MockTransport, opts ...rohini.HTTPOption) *rohini.HTTPLookup {
	t.Helper()
	l, err := rohini.NewHTTPLookup(base, append([]rohini.HTTPOption{rohini.WithHTTPClient(&http.Client{Transport: tr}), fastRetry}, opts...)...)
	require.NoError(t, err)
	return l
}

const foundBody = `{"rohini_id":"8900080336704","hospital_name":"Shree Sai Multispeciality Hospital",
 "address":"Plot 14, Sector 21, Kharghar","district":"Raigad","state":"Maharashtra","pincode":"410210",
 "status":"Active","valid_until":"2029-03-31"}`

func TestHTTPLookupAnswers(t *testing.T) {
	t.Parallel()
	wantFound := rohini.Hospital{
		ID: goodID, Name: "Shree Sai Multispeciality Hospital",
		Address: "Plot 14, Sector 21, Kharghar", District: "Raigad", State: "Maharashtra", Pincode: "410210",
		Status: "Active", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC),
	}
	padded := foundBody + strings.Repeat(" ", rohini.MaxBodySize-len(foundBody))
	timeout := httpmock.NewErrorResponder(os.ErrDeadlineExceeded)

	tests := []struct {
		name      string
		responder httpmock.Responder
		opts      []rohini.HTTPOption
		want      rohini.Hospital
		wantErr   error
		wantMsg   string
		wantCalls int
	}{
		{name: "found", responder: httpmock.NewStringResponder(200, foundBody), want: wantFound, wantCalls: 1},
		{
			name:      "numbers as written",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":8900080336704,"hospital_name":"X","pincode":410210}`),
			want:      rohini.Hospital{ID: goodID, Name: "X", Pincode: "410210"}, wantCalls: 1,
		},
		{
			name:      "member names in another case",
			responder: httpmock.NewStringResponder(200, `{"Rohini_ID":"`+goodID+`","HOSPITAL_NAME":"X"}`),
			want:      rohini.Hospital{ID: goodID, Name: "X"}, wantCalls: 1,
		},
		{
			name:      "members differing only in case are ambiguous",
			responder: httpmock.NewStringResponder(200, `{"Rohini_ID":"`+goodID+`","ROHINI_ID":"`+otherID+`"}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: `members "ROHINI_ID" and "Rohini_ID" differ only in case`, wantCalls: 1,
		},
		{
			name:      "id formatted with separators still matches",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":"890-0080-336704","hospital_name":"X"}`),
			want:      rohini.Hospital{ID: goodID, Name: "X"}, wantCalls: 1,
		},
		{
			name:      "body of exactly the cap",
			responder: httpmock.NewStringResponder(200, padded),
			want:      wantFound, wantCalls: 1,
		},
		{
			name:      "not found",
			responder: httpmock.NewStringResponder(404, `{"error":"no such hospital"}`),
			wantErr:   rohini.ErrNotFound, wantMsg: "HTTP 404: {\"error\":\"no such hospital\"}", wantCalls: 1,
		},
		{name: "gone", responder: httpmock.NewStringResponder(410, ``), wantErr: rohini.ErrNotFound, wantMsg: "HTTP 410", wantCalls: 1},
		{
			// A web server's page for a path it does not route (a wrong
			// base URL or WithPath) would turn every hospital away.
			name: "404 web page is no answer",
			responder: httpmock.NewStringResponder(404, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><hr>nginx</body></html>").
				HeaderSet(http.Header{"Content-Type": {"text/html"}}),
			wantErr: rohini.ErrUnavailable, wantMsg: "HTTP 404", wantCalls: 1,
		},
		{
			name:      "404 web page after a byte-order mark",
			responder: httpmock.NewStringResponder(404, "\ufeff<html><body>Not Found</body></html>"),
			wantErr:   rohini.ErrUnavailable, wantMsg: "HTTP 404", wantCalls: 1,
		},
		{
			name:      "answer about another hospital",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":"`+otherID+`","hospital_name":"X"}`),
			wantErr:   rohini.ErrNotFound, wantMsg: `answer is about hospital "` + otherID + `", not ` + goodID, wantCalls: 1,
		},
		{
			name:      "answer without id",
			responder: httpmock.NewStringResponder(200, `{"id":"`+goodID+`","hospital_name":"X"}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: `answer has no id at "rohini_id"`, wantCalls: 1,
		},
		{
			name:      "server error is not retried",
			responder: httpmock.NewStringResponder(500, `oops`),
			wantErr:   rohini.ErrUnavailable, wantMsg: "HTTP 500: oops", wantCalls: 1,
		},
		{
			name:      "unauthorised is not retried",
			responder: httpmock.NewStringResponder(401, ``),
			wantErr:   rohini.ErrUnavailable, wantMsg: "HTTP 401", wantCalls: 1,
		},
		{
			name:      "503 then found",
			responder: httpmock.NewStringResponder(503, ``).Then(httpmock.NewStringResponder(200, foundBody)),
			want:      wantFound, wantCalls: 2,
		},
		{
			name:      "502 504 429 then found",
			responder: httpmock.NewStringResponder(502, ``).Then(httpmock.NewStringResponder(504, ``)).Then(httpmock.NewStringResponder(200, foundBody)),
			want:      wantFound, wantCalls: 3,
		},
		{
			name:      "503 until retries run out",
			responder: httpmock.NewStringResponder(503, `busy`),
			wantErr:   rohini.ErrUnavailable, wantMsg: "HTTP 503: busy", wantCalls: 3,
		},
		{
			name:      "retries off",
			responder: httpmock.NewStringResponder(503, ``),
			opts:      []rohini.HTTPOption{rohini.WithRetry(0, time.Millisecond, time.Millisecond)},
			wantErr:   rohini.ErrUnavailable, wantCalls: 1,
		},
		{
			name: "Retry-After beyond the longest wait gives up at once",
			responder: httpmock.NewStringResponder(429, ``).HeaderSet(http.Header{"Retry-After": {"3600"}}).
				Then(httpmock.NewStringResponder(200, foundBody)),
			wantErr: rohini.ErrUnavailable, wantMsg: "HTTP 429 (retry after 1h0m0s)", wantCalls: 1,
		},
		{
			name:      "timeouts are retried",
			responder: timeout,
			wantErr:   rohini.ErrUnavailable, wantMsg: "timed out after 10s", wantCalls: 3,
		},
		{
			name:      "timeout then found",
			responder: timeout.Then(httpmock.NewStringResponder(200, foundBody)),
			want:      wantFound, wantCalls: 2,
		},
		{
			name:      "connection failure is not retried",
			responder: httpmock.NewErrorResponder(errors.New("connection refused")),
			wantErr:   rohini.ErrUnavailable, wantMsg: "connection refused", wantCalls: 1,
		},
		{
			name:      "malformed JSON",
			responder: httpmock.NewStringResponder(200, `{"rohini_id": "8900080336704", "hospital_name": `),
			wantErr:   rohini.ErrUnavailable, wantMsg: "malformed JSON answer", wantCalls: 1,
		},
		{
			name:      "HTML instead of JSON",
			responder: httpmock.NewStringResponder(200, `<html>maintenance</html>`),
			wantErr:   rohini.ErrUnavailable, wantMsg: "malformed JSON answer", wantCalls: 1,
		},
		{
			// encoding/json keeps the last of two members of one name,
			// other parsers the first: the answer says nothing for sure.
			name:      "a member named twice",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":"8900080336704","status":"Suspended","status":"Active"}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: "names a member twice", wantCalls: 1,
		},
		{
			name:      "an id named twice",
			responder: httpmock.NewStringResponder(200, `{"data":{"rohini_id":"`+otherID+`","rohini_id":"8900080336704"}}`),
			opts:      []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{ID: "data.rohini_id"})},
			wantErr:   rohini.ErrUnavailable, wantMsg: "names a member twice", wantCalls: 1,
		},
		{
			name:      "data after the JSON value",
			responder: httpmock.NewStringResponder(200, foundBody+`{}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: "malformed JSON answer", wantCalls: 1,
		},
		{
			name:      "object where a string belongs",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":"8900080336704","hospital_name":{"en":"X"}}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: `"hospital_name" is an object`, wantCalls: 1,
		},
		{
			name:      "unreadable date",
			responder: httpmock.NewStringResponder(200, `{"rohini_id":"8900080336704","valid_until":"31st March"}`),
			wantErr:   rohini.ErrUnavailable, wantMsg: `valid-until date "31st March"`, wantCalls: 1,
		},
		{
			name:      "body over the cap",
			responder: httpmock.NewStringResponder(200, padded+" "),
			wantErr:   rohini.ErrUnavailable, wantMsg: "larger than 1048576 bytes", wantCalls: 1,
		},
		{
			name: "custom nested field names",
			responder: httpmock.NewStringResponder(200,
				`{"data":{"facility":{"gln":"8900080336704","title":"Shree Sai","loc":{"pin":"410210"},"expiry":"31/03/2029"}}}`),
			opts: []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{
				ID: "data.facility.gln", Name: "data.facility.title", Pincode: "data.facility.loc.pin",
				ValidUntil: "data.facility.expiry", Address: "-",
			})},
			want:      rohini.Hospital{ID: goodID, Name: "Shree Sai", Pincode: "410210", ValidUntil: time.Date(2029, 3, 31, 0, 0, 0, 0, time.UTC)},
			wantCalls: 1,
		},
		{
			name:      "array index in a path",
			responder: httpmock.NewStringResponder(200, `{"results":[{"id":"8900080336704","name":"X"}]}`),
			opts:      []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{ID: "results.0.id", Name: "results.0.name"})},
			want:      rohini.Hospital{ID: goodID, Name: "X"}, wantCalls: 1,
		},
		{
			name:      "empty result array",
			responder: httpmock.NewStringResponder(200, `{"results":[]}`),
			opts:      []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{ID: "results.0.id"})},
			wantErr:   rohini.ErrUnavailable, wantMsg: `no id at "results.0.id"`, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := httpmock.NewMockTransport()
			tr.RegisterResponder(http.MethodGet, getURL, tt.responder)
			l := newMockLookup(t, tr, tt.opts...)

			got, err := l.Hospital(context.Background(), goodID)
			assert.Equal(t, tt.wantCalls, tr.GetTotalCallCount(), "requests made")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), tt.wantMsg)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestHTTPLookupStatusErrorDetail(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	tr.RegisterResponder(http.MethodGet, getURL,
		httpmock.NewStringResponder(503, "down\nfor\tmaintenance").HeaderSet(http.Header{"Retry-After": {"120"}}))
	l := newMockLookup(t, tr)

	_, err := l.Hospital(context.Background(), goodID)
	var se *rohini.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 503, se.StatusCode)
	assert.Equal(t, 2*time.Minute, se.RetryAfter)
	assert.Equal(t, "down for maintenance", se.Body, "body flattened to one line")
	assert.Equal(t, getURL, se.URL)
	assert.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.NotErrorIs(t, err, rohini.ErrNotFound)
}

func TestHTTPLookupPOST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []rohini.HTTPOption
		wantKey string
	}{
		{name: "default key", opts: []rohini.HTTPOption{rohini.WithMethod("post"), rohini.WithPath("/hospitals")}, wantKey: "rohini_id"},
		{name: "own key", opts: []rohini.HTTPOption{rohini.WithMethod("POST"), rohini.WithPath("/v1/verify"), rohini.WithBodyKey("gln")}, wantKey: "gln"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := httpmock.NewMockTransport()
			var gotBody map[string]string
			var gotType string
			tr.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				if r.Method != http.MethodPost {
					return httpmock.NewStringResponse(405, ""), nil
				}
				gotType = r.Header.Get("Content-Type")
				if err := json.NewDecoder(r.Body).Decode(&gotBody); err != nil {
					return httpmock.NewStringResponse(400, ""), nil
				}
				return httpmock.NewStringResponse(503, ""), nil // POST must not be retried
			})
			l := newMockLookup(t, tr, tt.opts...)
			_, err := l.Hospital(context.Background(), goodID)
			require.ErrorIs(t, err, rohini.ErrUnavailable)
			assert.Equal(t, 1, tr.GetTotalCallCount(), "POST look-ups are never retried")
			assert.Equal(t, map[string]string{tt.wantKey: goodID}, gotBody)
			assert.Equal(t, "application/json", gotType)
		})
	}
}

func TestHTTPLookupPathWithQuery(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	tr.RegisterResponderWithQuery(http.MethodGet, base+"/api/lookup", "gln="+goodID+"&format=json",
		httpmock.NewStringResponder(200, foundBody))
	l := newMockLookup(t, tr, rohini.WithPath("/api/lookup?gln={id}&format=json"))
	h, err := l.Hospital(context.Background(), goodID)
	require.NoError(t, err)
	assert.Equal(t, goodID, h.ID)
}

func TestHTTPLookupHeadersSentNeverLeaked(t *testing.T) {
	t.Parallel()
	const secret = "sk_live_3f9a7c1e5b"
	echo := func(r *http.Request) (*http.Response, error) {
		// A careless server echoes the request headers in its error body.
		return httpmock.NewStringResponse(403, "denied for key "+r.Header.Get("X-Api-Key")), nil
	}
	tests := []struct {
		name      string
		responder httpmock.Responder
		path      string
	}{
		{name: "echoed in error body", responder: echo},
		{name: "echoed in transport error", responder: func(r *http.Request) (*http.Response, error) {
			return nil, errors.New("proxy refused key " + r.Header.Get("X-Api-Key"))
		}},
		{name: "key in the query", responder: httpmock.NewStringResponder(500, ""), path: "/hospitals/{id}?key=" + secret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := httpmock.NewMockTransport()
			var sent string
			tr.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				sent = r.Header.Get("X-Api-Key")
				return tt.responder(r)
			})
			opts := []rohini.HTTPOption{rohini.WithHeader("X-Api-Key", secret)}
			if tt.path != "" {
				opts = append(opts, rohini.WithPath(tt.path))
			}
			l := newMockLookup(t, tr, opts...)
			_, err := l.Hospital(context.Background(), goodID)
			require.ErrorIs(t, err, rohini.ErrUnavailable)
			assert.Equal(t, secret, sent, "header is sent")
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), secret[:8])
		})
	}
}

func TestHTTPLookupNoHeaderToAnotherHost(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	tr.RegisterResponder(http.MethodGet, getURL,
		httpmock.NewStringResponder(302, "").HeaderSet(http.Header{"Location": {"https://elsewhere.example/h"}}))
	tr.RegisterResponder(http.MethodGet, "https://elsewhere.example/h", httpmock.NewStringResponder(200, foundBody))
	l := newMockLookup(t, tr, rohini.WithHeader("Authorization", "Bearer abcdefgh"))
	_, err := l.Hospital(context.Background(), goodID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.Contains(t, err.Error(), "HTTP 302")
	assert.Equal(t, map[string]int{"GET " + getURL: 1, "GET https://elsewhere.example/h": 0}, tr.GetCallCountInfo())
}

func TestHTTPLookupContext(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	tr.RegisterResponder(http.MethodGet, getURL, httpmock.NewStringResponder(503, "").HeaderSet(http.Header{"Retry-After": {"1"}}))
	l := newMockLookup(t, tr, rohini.WithRetry(3, time.Millisecond, 2*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := l.Hospital(ctx, goodID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline cuts the Retry-After wait short")
	assert.Equal(t, 1, tr.GetTotalCallCount())

	cancelled, stop := context.WithCancel(context.Background())
	stop()
	_, err = l.Hospital(cancelled, goodID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestHTTPLookupLeavesCallersClientAlone(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	hc := &http.Client{Transport: tr}
	_, err := rohini.NewHTTPLookup(base, rohini.WithHTTPClient(hc), rohini.WithTimeout(time.Second))
	require.NoError(t, err)
	assert.Zero(t, hc.Timeout)
	assert.Nil(t, hc.CheckRedirect)
	assert.Same(t, tr, hc.Transport)
}

func TestHTTPLookupZeroValue(t *testing.T) {
	t.Parallel()
	for _, l := range []*rohini.HTTPLookup{nil, {}} {
		_, err := l.Hospital(context.Background(), goodID)
		require.ErrorIs(t, err, rohini.ErrUnavailable)
		assert.Contains(t, err.Error(), "NewHTTPLookup")
		_, err = l.Hospital(context.Background(), "bad")
		require.ErrorIs(t, err, rohini.ErrInvalidID)
		l.CloseIdleConnections() // no panic
	}
}

func TestNewHTTPLookupOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		base    string
		opts    []rohini.HTTPOption
		wantErr string
	}{
		{name: "defaults", base: base},
		{name: "base with path prefix", base: base + "/iib/v2/"},
		{name: "all options", base: base, opts: []rohini.HTTPOption{
			rohini.WithMethod("POST"), rohini.WithPath("/lookup"), rohini.WithBodyKey("gln"),
			rohini.WithHeader("X-Api-Key", "k"), rohini.WithTimeout(time.Second),
			rohini.WithRetry(1, time.Millisecond, time.Second), rohini.WithFieldNames(rohini.FieldNames{Name: "title"}),
			rohini.WithDateLayouts("2006-01-02"), rohini.WithHTTPClient(http.DefaultClient),
		}},
		{name: "empty base", base: "", wantErr: "not an absolute http(s) URL"},
		{name: "relative base", base: "/hospitals", wantErr: "not an absolute http(s) URL"},
		{name: "ftp base", base: "ftp://lookup.example", wantErr: "not an absolute http(s) URL"},
		{name: "query in base", base: base + "?key=abc", wantErr: "must not carry a query"},
		{name: "credentials not echoed", base: "ftp://user:hunter22@lookup.example", wantErr: "ftp://lookup.example"},
		{name: "path without slash", base: base, opts: []rohini.HTTPOption{rohini.WithPath("hospitals/{id}")}, wantErr: "must start with /"},
		{name: "GET path without placeholder", base: base, opts: []rohini.HTTPOption{rohini.WithPath("/hospitals")}, wantErr: "no {id} placeholder"},
		{name: "bad method", base: base, opts: []rohini.HTTPOption{rohini.WithMethod("PUT")}, wantErr: `"PUT" is not GET or POST`},
		{name: "body key with GET", base: base, opts: []rohini.HTTPOption{rohini.WithBodyKey("gln")}, wantErr: "needs WithMethod"},
		{name: "empty body key", base: base, opts: []rohini.HTTPOption{rohini.WithBodyKey(" ")}, wantErr: "empty key"},
		{name: "bad header name", base: base, opts: []rohini.HTTPOption{rohini.WithHeader("X Api", "v")}, wantErr: "invalid header name"},
		{name: "header value with newline", base: base, opts: []rohini.HTTPOption{rohini.WithHeader("X-Api-Key", "abc\r\nHost: evil")}, wantErr: "control character"},
		// net/http refuses to send these: every look-up would fail.
		{name: "header value with DEL", base: base, opts: []rohini.HTTPOption{rohini.WithHeader("X-Api-Key", "abc\x7f")}, wantErr: "control character"},
		{name: "header value with a control character", base: base, opts: []rohini.HTTPOption{rohini.WithHeader("X-Api-Key", "abc\x01def")}, wantErr: "control character"},
		{name: "nil client", base: base, opts: []rohini.HTTPOption{rohini.WithHTTPClient(nil)}, wantErr: "nil client"},
		{name: "zero timeout", base: base, opts: []rohini.HTTPOption{rohini.WithTimeout(0)}, wantErr: "not positive"},
		{name: "negative retries", base: base, opts: []rohini.HTTPOption{rohini.WithRetry(-1, time.Millisecond, time.Second)}, wantErr: "negative"},
		{name: "waits reversed", base: base, opts: []rohini.HTTPOption{rohini.WithRetry(1, time.Second, time.Millisecond)}, wantErr: "minWait"},
		{name: "id field dropped", base: base, opts: []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{ID: "-"})}, wantErr: "ID cannot be"},
		{name: "one name for two fields", base: base, opts: []rohini.HTTPOption{rohini.WithFieldNames(rohini.FieldNames{Name: "rohini_id"})}, wantErr: "both ID and Name"},
		{name: "no date layouts", base: base, opts: []rohini.HTTPOption{rohini.WithDateLayouts()}, wantErr: "no layouts"},
		{name: "nil option", base: base, opts: []rohini.HTTPOption{nil}, wantErr: "nil HTTPOption"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := rohini.NewHTTPLookup(tt.base, tt.opts...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, l)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "hunter22")
			assert.NotContains(t, err.Error(), "Host: evil")
		})
	}
}

// The adapter against the in-process fake, over real HTTP.
func TestHTTPLookupWithFake(t *testing.T) {
	t.Parallel()
	demo := rohinitest.DemoHospitals()

	tests := []struct {
		name      string
		setup     func(*rohinitest.Server)
		opts      []rohini.HTTPOption
		id        string
		want      *rohini.Hospital
		wantErr   error
		wantMsg   string
		wantCalls int
	}{
		{name: "found", id: demo[0].ID, want: &demo[0], wantCalls: 1},
		{name: "found expired, reported not judged", id: demo[5].ID, want: &demo[5], wantCalls: 1},
		{name: "found by POST", opts: []rohini.HTTPOption{rohini.WithMethod("POST"), rohini.WithPath("/hospitals")}, id: demo[1].ID, want: &demo[1], wantCalls: 1},
		{name: "not found", id: "8900000000005", wantErr: rohini.ErrNotFound, wantMsg: "HTTP 404", wantCalls: 1},
		{name: "id mismatch", setup: func(s *rohinitest.Server) { s.SetMismatch(true) }, id: demo[0].ID, wantErr: rohini.ErrNotFound, wantMsg: "answer is about hospital", wantCalls: 1},
		{name: "malformed", setup: func(s *rohinitest.Server) { s.SetMalformed(true) }, id: demo[0].ID, wantErr: rohini.ErrUnavailable, wantMsg: "malformed JSON", wantCalls: 1},
		{name: "5xx retried then found", setup: func(s *rohinitest.Server) { s.FailNext(502, 2, "") }, id: demo[2].ID, want: &demo[2], wantCalls: 3},
		{name: "5xx past the retries", setup: func(s *rohinitest.Server) { s.FailNext(503, 5, "") }, id: demo[2].ID, wantErr: rohini.ErrUnavailable, wantMsg: "HTTP 503", wantCalls: 3},
		{name: "500 not retried", setup: func(s *rohinitest.Server) { s.FailNext(500, 1, "") }, id: demo[2].ID, wantErr: rohini.ErrUnavailable, wantMsg: "HTTP 500", wantCalls: 1},
		{
			name: "slow server times out", setup: func(s *rohinitest.Server) { s.SetLatency(time.Second) },
			opts: []rohini.HTTPOption{rohini.WithTimeout(50 * time.Millisecond), rohini.WithRetry(1, time.Millisecond, time.Millisecond)},
			id:   demo[0].ID, wantErr: rohini.ErrUnavailable, wantMsg: "timed out after 50ms", wantCalls: 2,
		},
		{
			name: "added hospital", setup: func(s *rohinitest.Server) { s.Add(rohini.Hospital{ID: "8900000000005", Name: "Added"}) },
			id: "8900000000005", want: &rohini.Hospital{ID: "8900000000005", Name: "Added"}, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := rohinitest.NewServer()
			defer srv.Close()
			if tt.setup != nil {
				tt.setup(srv)
			}
			l, err := srv.Lookup(append([]rohini.HTTPOption{fastRetry}, tt.opts...)...)
			require.NoError(t, err)
			defer l.CloseIdleConnections()

			got, err := l.Hospital(context.Background(), tt.id)
			assert.Equal(t, tt.wantCalls, srv.Requests())
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), tt.wantMsg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, *tt.want, got)
		})
	}
}

func TestHTTPLookupHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := rohinitest.NewServer()
	defer srv.Close()
	srv.FailNext(http.StatusServiceUnavailable, 1, "1")
	l, err := srv.Lookup(rohini.WithRetry(2, time.Millisecond, 5*time.Second))
	require.NoError(t, err)
	defer l.CloseIdleConnections()

	start := time.Now()
	h, err := l.Hospital(context.Background(), rohinitest.DemoID)
	elapsed := time.Since(start)
	require.NoError(t, err)
	assert.Equal(t, rohinitest.DemoID, h.ID)
	assert.Equal(t, 2, srv.Requests())
	// A lower bound only: without Retry-After the wait would be ~1ms.
	assert.GreaterOrEqual(t, elapsed, time.Second, "waited as Retry-After asked")
}

func TestHTTPLookupRequiredHeader(t *testing.T) {
	t.Parallel()
	const key = "demo-key-7781"
	srv := rohinitest.NewServer(rohinitest.WithRequiredHeader("X-Api-Key", key))
	defer srv.Close()

	wired, err := srv.Lookup()
	require.NoError(t, err)
	defer wired.CloseIdleConnections()
	_, err = wired.Hospital(context.Background(), rohinitest.DemoID)
	require.NoError(t, err)

	wrong, err := rohini.NewHTTPLookup(srv.URL, rohini.WithHTTPClient(srv.Client()), rohini.WithHeader("X-Api-Key", "not-the-key"))
	require.NoError(t, err)
	defer wrong.CloseIdleConnections()
	_, err = wrong.Hospital(context.Background(), rohinitest.DemoID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.Contains(t, err.Error(), "HTTP 401")
	assert.NotContains(t, err.Error(), "not-the-key")
}

func TestHTTPLookupConcurrent(t *testing.T) {
	t.Parallel()
	srv := rohinitest.NewServer()
	defer srv.Close()
	l, err := srv.Lookup()
	require.NoError(t, err)
	defer l.CloseIdleConnections()

	demo := rohinitest.DemoHospitals()
	const callers = 20
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Go(func() {
			want := demo[i%len(demo)]
			got, err := l.Hospital(context.Background(), want.ID)
			if err == nil && got != want {
				err = errors.New("wrong hospital for " + want.ID)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, callers, srv.Requests())
}

// TestHTTPLookupKeepsItsHeadersOnItsServer checks that a redirect is
// followed only to the same host and never from https to plain http, so
// that a configured header (an API key) goes nowhere else and in clear
// text never, and no answer is taken from elsewhere.
func TestHTTPLookupKeepsItsHeadersOnItsServer(t *testing.T) {
	t.Parallel()
	const key = "sk_live_3f9a7c1e5b"
	for name, tc := range map[string]struct {
		to     string
		follow bool
	}{
		"same host, https":   {base + "/v2/hospitals/" + goodID, true},
		"same host, http":    {"http://lookup.example/hospitals/" + goodID, false},
		"another host":       {"https://elsewhere.example/hospitals/" + goodID, false},
		"another host, http": {"http://elsewhere.example/hospitals/" + goodID, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := httpmock.NewMockTransport()
			tr.RegisterResponder(http.MethodGet, getURL,
				httpmock.NewStringResponder(http.StatusFound, "").HeaderSet(http.Header{"Location": {tc.to}}))
			var sent []string
			tr.RegisterResponder(http.MethodGet, tc.to, func(r *http.Request) (*http.Response, error) {
				sent = append(sent, r.Header.Get("X-Api-Key"))
				return httpmock.NewStringResponse(http.StatusOK, foundBody), nil
			})
			l := newMockLookup(t, tr, rohini.WithHeader("X-Api-Key", key))
			h, err := l.Hospital(context.Background(), goodID)
			if tc.follow {
				require.NoError(t, err)
				assert.Equal(t, goodID, h.ID)
				assert.Equal(t, []string{key}, sent)
				return
			}
			assert.Error(t, err, "the redirect's answer is not taken")
			assert.Empty(t, sent, "nothing went to %s", tc.to)
		})
	}
}

// A registry's error text may name a hospital's contacts; the error
// reaches the applicant and the logs with them masked.
func TestHTTPLookupErrorBodyMasksContacts(t *testing.T) {
	t.Parallel()
	tr := httpmock.NewMockTransport()
	tr.RegisterNoResponder(httpmock.NewStringResponder(503, "nodal officer 9876543210 / tpa.desk@cityhospital.example is updating the record"))
	_, err := newMockLookup(t, tr).Hospital(context.Background(), goodID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.NotContains(t, err.Error(), "9876543210")
	assert.NotContains(t, err.Error(), "tpa.desk@cityhospital.example")
	assert.Contains(t, err.Error(), "updating the record", "the rest of the text stays")
}

// WithRetry(0, 0, 0) is how a caller turns retries off, and zero waits
// are how a test retries at once, as package hfr's WithRetry allows;
// only a negative or reversed wait is a wiring mistake.
func TestWithRetryZeroWaits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		retry     rohini.HTTPOption
		wantCalls int
	}{
		{name: "retries off", retry: rohini.WithRetry(0, 0, 0), wantCalls: 1},
		{name: "retries at once", retry: rohini.WithRetry(2, 0, 0), wantCalls: 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := rohinitest.NewServer()
			defer srv.Close()
			srv.FailNext(http.StatusBadGateway, 5, "")
			l, err := srv.Lookup(tt.retry)
			require.NoError(t, err)
			defer l.CloseIdleConnections()
			_, err = l.Hospital(context.Background(), rohinitest.DemoID)
			require.ErrorIs(t, err, rohini.ErrUnavailable)
			assert.Equal(t, tt.wantCalls, srv.Requests())
		})
	}
	for _, bad := range []rohini.HTTPOption{
		rohini.WithRetry(1, -time.Millisecond, time.Second),
		rohini.WithRetry(0, 0, -time.Millisecond),
		rohini.WithRetry(1, time.Second, 0),
	} {
		_, err := rohini.NewHTTPLookup(base, bad)
		require.ErrorContains(t, err, "minWait")
	}
}
