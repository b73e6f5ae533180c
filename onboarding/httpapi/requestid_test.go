package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// requestLogs returns the "http request" records logged to logs, by
// request id.
func requestLogs(t *testing.T, logs *syncBuffer) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), "every log line is one JSON record: %s", sc.Text())
		if rec["msg"] != "http request" {
			continue
		}
		id, _ := rec["request_id"].(string)
		require.NotContains(t, out, id, "one record per request")
		out[id] = rec
	}
	return out
}

// wellFormed is what onboarding.WithRequestID keeps.
func wellFormed(id string) bool {
	if id == "" || len(id) > onboarding.MaxRequestIDLength {
		return false
	}
	for _, c := range []byte(id) {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// A request's X-Request-Id is answered back, recorded in every audit
// event the request causes, shown by the audit API, and logged with the
// request's route pattern and status.
func TestRequestIDReachesTheAuditTrailAndTheLog(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	f := newFixture(t, httpapi.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	const submitID = "0f6e2a9c-5b1d-4c3e-9a7f-2d8b6c4e1a30"

	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: f.regulator("Request Id Regulator"),
		header: http.Header{httpapi.RequestIDHeader: {submitID}}})
	require.Equal(t, http.StatusCreated, res.status, "body: %s", res.body)
	assert.Equal(t, submitID, res.header.Get(httpapi.RequestIDHeader))
	var applied httpapi.ApplyResponse
	res.decode(t, &applied)
	id := applied.Application.ID

	events, err := f.svc.Events(context.Background(), id)
	require.NoError(t, err)
	require.NotEmpty(t, events)
	for _, e := range events {
		assert.Equal(t, submitID, e.RequestID, "event %d (%s)", e.Seq, e.Action)
	}

	// Staff read the trail under a request id of their own.
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + id + "/events", auth: bearer(staffToken),
		header: http.Header{httpapi.RequestIDHeader: {"audit-read-1"}}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, "audit-read-1", res.header.Get(httpapi.RequestIDHeader))
	var trail httpapi.EventsResponse
	res.decode(t, &trail)
	require.NotEmpty(t, trail.Events)
	assert.Equal(t, submitID, trail.Events[0].RequestID)
	assert.Contains(t, string(res.body), `"request_id":"`+submitID+`"`)

	recs := requestLogs(t, &logs)
	submit := recs[submitID]
	require.NotNil(t, submit, "the submission is logged under its request id: %s", logs.String())
	assert.Equal(t, "POST", submit["method"])
	assert.Equal(t, "POST /v1/onboarding/applications", submit["route"])
	assert.EqualValues(t, http.StatusCreated, submit["status"])
	assert.Contains(t, submit, "duration")
	read := recs["audit-read-1"]
	require.NotNil(t, read)
	assert.Equal(t, "GET /v1/onboarding/staff/applications/{id}/events", read["route"], "the pattern, not the raw path")
	assert.EqualValues(t, http.StatusOK, read["status"])
	assert.NotContains(t, logs.String(), id, "no raw path")
	assert.NotContains(t, logs.String(), staffToken, "no credential")
	assert.NotContains(t, logs.String(), "Request Id Regulator", "no body")
}

// A malformed X-Request-Id — which could forge a log line or carry
// anything — is not trusted: the request gets a fresh id, answered back,
// logged and recorded in its audit events. A request without one gets one
// too.
func TestMalformedRequestIDIsReplaced(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	f := newFixture(t, httpapi.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	bad := []string{
		"two words", "line\nlevel=ERROR msg=forged", "tab\there", "café", "nul\x00",
		strings.Repeat("a", onboarding.MaxRequestIDLength+1), "",
	}
	answered := map[string]bool{}
	for i, sent := range bad {
		app := f.regulator(fmt.Sprintf("Replaced Id Regulator %d", i))
		app.SandboxCertificate, app.SandboxParticipantCode = f.cert(fmt.Sprintf("reg-bad-%d", i), hcxonboard.RoleRegulator), fmt.Sprintf("reg-bad-%d", i)
		req := request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app}
		if sent != "" {
			req.header = http.Header{httpapi.RequestIDHeader: {sent}}
		}
		res := f.do(req)
		require.Equal(t, http.StatusCreated, res.status, "%q: body: %s", sent, res.body)
		got := res.header.Get(httpapi.RequestIDHeader)
		assert.NotEqual(t, sent, got, "%q is replaced", sent)
		assert.True(t, wellFormed(got), "%q: the replacement %q is well-formed", sent, got)
		assert.False(t, answered[got], "%q: each request gets its own id", sent)
		answered[got] = true

		var applied httpapi.ApplyResponse
		res.decode(t, &applied)
		events, err := f.svc.Events(context.Background(), applied.Application.ID)
		require.NoError(t, err)
		for _, e := range events {
			assert.Equal(t, got, e.RequestID, "%q: event %d carries the replacement", sent, e.Seq)
		}
	}
	recs := requestLogs(t, &logs)
	for id := range answered {
		assert.Contains(t, recs, id, "logged under the id answered")
	}
	assert.NotContains(t, logs.String(), "forged")
	assert.NotContains(t, logs.String(), "two words")
}

// A path no route serves is logged by the catch-all's pattern: what the
// caller put in the path stays out of the log.
func TestUnroutedPathIsNotLogged(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	f := newFixture(t, httpapi.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/lookup/admin@hospital.example",
		header: http.Header{httpapi.RequestIDHeader: {"unrouted-1"}}})
	require.Equal(t, http.StatusNotFound, res.status)
	rec := requestLogs(t, &logs)["unrouted-1"]
	require.NotNil(t, rec)
	assert.Equal(t, "/", rec["route"])
	assert.EqualValues(t, http.StatusNotFound, rec["status"])
	assert.NotContains(t, logs.String(), "hospital.example")
}

// The console's audit trail shows each event's request id: the decision a
// reviewer posts is recorded under the id its answer carried.
func TestConsoleShowsRequestIDs(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.submit(f.regulator("Console Request Id Regulator")) // through the engine: no request
	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, p.status)
	// Opening the page records that staff saw the contacts, under the
	// page's request; the submission came from no request.
	view := p.header.Get(httpapi.RequestIDHeader)
	require.True(t, wellFormed(view), "%q", view)
	assert.Equal(t, 1, strings.Count(p.body, "data-request-id="), "only the view event has an id")
	assert.Contains(t, p.body, `data-request-id="`+view+`"`)

	task := a.OpenTasks()[0].ID
	res := b.post("/console/applications/"+a.ID+"/tasks/"+task+"/decision",
		url.Values{"csrf": {csrfOf(t, p)}, "decision": {"approve"}, "reason": {"Confirmed by phone"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	id := res.header.Get(httpapi.RequestIDHeader)
	require.True(t, wellFormed(id), "%q", id)

	events, err := f.svc.Events(context.Background(), a.ID)
	require.NoError(t, err)
	var approved bool
	for _, e := range events {
		if e.Action == onboarding.ActionApprove {
			approved = true
			assert.Equal(t, id, e.RequestID)
		}
	}
	require.True(t, approved)
	p = b.get(res.location)
	assert.Contains(t, p.body, `data-request-id="`+id+`"`)
}
