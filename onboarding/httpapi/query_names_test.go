package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A query parameter the route does not take is a 400 naming it and the
// ones the route takes, on every route of this API: a misspelt ?limt=5
// or ?stge=live would otherwise answer something else than was asked,
// with nothing to say so. A parameter given twice is refused too.
func TestOwnRoutesRefuseUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		path, name, takes string
	}{
		{"/v1/onboarding/staff/applications?limt=5", "limt", "stage, waiting, participant_code, limit, offset, cursor"},
		{"/v1/onboarding/staff/applications?stge=live", "stge", "stage, waiting"},
		{"/v1/onboarding/staff/outbox?limit=5&afer=x", "afer", "limit, cursor, after"},
		{"/v1/onboarding/staff/certificates/expiring?days=5", "days", "within_days, limit, cursor"},
		{"/healthz?verbose=1", "verbose", "takes no query parameters"},
		{"/v1/onboarding/jwks?kid=x", "kid", "takes no query parameters"},
	} {
		res := f.do(request{method: http.MethodGet, path: tc.path, auth: bearer(staffToken)})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.path, res.body)
		e := res.envelope(t)
		assert.Equal(t, httpapi.CodeInvalidRequest, e.Error.Code, tc.path)
		assert.Contains(t, e.Error.Message, `"`+tc.name+`"`, tc.path)
		assert.Contains(t, e.Error.Message, tc.takes, tc.path)
	}
	// A POST route with a body takes no query parameters either.
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search?limit=1", auth: bearer(staffToken), body: `{}`})
	require.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, `"limit"`)

	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?limit=5&limit=500", auth: bearer(staffToken)})
	require.Equal(t, http.StatusBadRequest, res.status, "body: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "more than once")

	// What the route takes is still taken, given empty too.
	for _, path := range []string{
		"/v1/onboarding/staff/applications?limit=5&waiting=all",
		"/v1/onboarding/staff/applications?waiting=&limit=",
		"/healthz",
	} {
		res := f.do(request{method: http.MethodGet, path: path, auth: bearer(staffToken)})
		assert.Equal(t, http.StatusOK, res.status, "%s: %s", path, res.body)
	}
}

// The console's pages refuse an unknown parameter too, as an error page.
func TestConsoleRefusesUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	_, srv := consoleServer(t)
	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/queue?wating=review")
	require.Equal(t, http.StatusBadRequest, p.status, p.body)
	assert.Contains(t, p.body, "wating")
	assert.Contains(t, p.body, "waiting, offset, cursor")
	p = b.get("/console/participants?name=x&stauts=Active")
	require.Equal(t, http.StatusBadRequest, p.status, p.body)
	assert.Contains(t, p.body, "stauts")
}

// The specification's routes define no query parameters. A client may add
// one of its own (a cache-buster such as ?_=1700000000 on a certificate
// URL): it changes nothing and is ignored. But a parameter named like a
// member of the route's body (participant_code, filters, limit …) is
// refused: the client meant it, and it is read from the body only.
func TestSpecRoutesIgnoreCacheBustersAndRefuseBodyMembersInTheQuery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.live("Queried Regulator")
	code := a.Participant.ParticipantCode
	for _, req := range []request{
		{method: http.MethodGet, path: "/certificates/" + code + "/encryption_cert.pem?_=1700000000"},
		{method: http.MethodGet, path: "/auth/realms/hcx/protocol/openid-connect/certs?t=1"},
		{method: http.MethodPost, path: "/v0.9/participant/search?_=1", auth: bearer(staffToken),
			body: `{"filters":{"participant_code":{"eq":"` + code + `"}}}`},
	} {
		res := f.do(req)
		assert.Equal(t, http.StatusOK, res.status, "%s: %s", req.path, res.body)
	}
	for _, tc := range []struct{ path, body, name string }{
		{"/v0.9/participant/search?participant_code=" + code, `{}`, "participant_code"},
		{"/v0.9/participant/search?limit=1", `{}`, "limit"},
		{"/v0.9/participant/read?participant_code=" + code, `{"participant_code":"` + code + `"}`, "participant_code"},
	} {
		res := f.do(request{method: http.MethodPost, path: tc.path, auth: bearer(staffToken), body: tc.body})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", tc.path, res.body)
		var e map[string]any
		require.NoError(t, json.Unmarshal(res.body, &e))
		msg := res.envelope(t).Error.Message
		assert.Contains(t, msg, `"`+tc.name+`"`, tc.path)
		assert.True(t, strings.Contains(msg, "body"), "%s: says where it goes: %s", tc.path, msg)
	}
}

// A query the server cannot read whole — a ';' between parameters, a
// malformed escape — is a 400, not read in part: Go's URL.Query drops
// such pairs silently, and ?limit=5;waiting=all would have answered as if
// neither were given.
func TestMalformedQueriesAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.live("Malformed Query Regulator")
	for _, path := range []string{
		"/v1/onboarding/staff/applications?limit=5;waiting=all",
		"/v1/onboarding/staff/applications?limit=%zz",
		"/certificates/" + a.Participant.ParticipantCode + "/encryption_cert.pem?_=1;2",
	} {
		res := f.do(request{method: http.MethodGet, path: path, auth: bearer(staffToken)})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", path, res.body)
		assert.Contains(t, res.envelope(t).Error.Message, "query", path)
	}
}

// A header the server reads once (Authorization, Content-Type) given
// twice is refused: a proxy in front may read the other one.
func TestRepeatedHeadersAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for name, h := range map[string]http.Header{
		"Authorization": {"Authorization": {bearer(staffToken), "Bearer someone-else"}},
		"Content-Type":  {"Content-Type": {"application/json", "text/plain"}},
	} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", body: `{}`, header: h,
			auth: bearer(staffToken)})
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Contains(t, res.envelope(t).Error.Message, name)
		assert.Contains(t, res.envelope(t).Error.Message, "more than once")
	}
}

// A console form post with a field its form does not have, or one given
// twice (decision=approve&decision=reject), is refused and changes
// nothing: which of two the server would read is not the sender's to
// guess.
func TestConsoleFormsRefuseUnknownAndRepeatedFields(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.submit(f.regulator("Form Field Regulator"))
	task := a.OpenTasks()[0].ID
	b := newBrowser(t, srv)
	csrf := b.login(staffToken)
	decide := "/console/applications/" + a.ID + "/tasks/" + task + "/decision"
	for name, form := range map[string]url.Values{
		"unknown field":  {"csrf": {csrf}, "decision": {"approve"}, "reason": {"ok"}, "decison": {"reject"}},
		"repeated field": {"csrf": {csrf}, "decision": {"approve", "reject"}, "reason": {"ok"}},
	} {
		res := b.post(decide, form, "")
		require.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Contains(t, res.body, "field", name)
	}
	got, err := f.svc.Application(t.Context(), a.ID)
	require.NoError(t, err)
	st, ok := got.Task(task)
	require.True(t, ok)
	assert.Equal(t, onboarding.TaskOpen, st.State, "nothing was decided")
	res := b.post(decide, url.Values{"csrf": {csrf}, "decision": {"approve"}, "reason": {"ok"}}, "")
	assert.Equal(t, http.StatusSeeOther, res.status, "the form as the page sends it: %s", res.body)
}
