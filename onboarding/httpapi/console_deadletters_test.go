package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Staff see the dead letters in the console, as the staff API lists them
// (recipient masked, last error redacted, never the payload), under the
// console's headers and from its navigation; a reviewer sends one again
// with the page's Retry button and is told so. A member without the
// reviewer role is offered no button and refused the post, as the staff
// API's retry refuses them; an unknown or missing id is refused with a
// message, and nothing changes.
func TestConsoleShowsDeadLetters(t *testing.T) {
	t.Parallel()
	set, err := httpapi.NewStaffTokenSet(map[string]string{staffID: staffToken, "rita": reviewerToken, "ravi": approverToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("rita", httpapi.RoleReviewer))
	require.NoError(t, set.SetRoles("ravi", httpapi.RoleApprover))
	n := &failingNotifier{fail: true}
	now := time.Now()
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithNotifier(n),
		onboarding.WithClock(func() time.Time { return now }), onboarding.WithOutboxDeadAfter(time.Minute)},
		httpapi.WithStaffSet(set))
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Quiet Regulator Office"))
	payer, _ := f.submit(f.payer()) // its one-time code goes to the system admin
	now = now.Add(time.Hour)
	_, err = f.svc.DispatchOutbox(ctx)
	require.NoError(t, err)

	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/outbox", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var api httpapi.OutboxResponse
	res.decode(t, &api)
	require.NotEmpty(t, api.Messages, "the staff API lists dead letters")

	rita := newBrowser(t, srv)
	csrf := rita.login(reviewerToken)
	q := rita.get("/console/queue")
	assert.Contains(t, q.body, `href="/console/outbox"`, "the navigation links to the dead letters")

	p := rita.get("/console/outbox")
	require.Equal(t, http.StatusOK, p.status, "body: %s", p.body)
	assert.Contains(t, p.header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Equal(t, "DENY", p.header.Get("X-Frame-Options"))
	assert.Equal(t, "no-store", p.header.Get("Cache-Control"))
	assert.NotContains(t, p.body, "<script")
	assert.Contains(t, p.body, `<a href="/console/outbox" class="active">`)
	var review, otp httpapi.OutboxMessage
	for _, m := range api.Messages {
		assert.Contains(t, p.body, `data-message="`+m.ID+`"`)
		assert.Contains(t, p.body, m.Kind)
		assert.Contains(t, p.body, ">"+m.To+"<", "the recipient as the staff API shows it")
		assert.Contains(t, p.body, `href="/console/applications/`+m.ApplicationID+`"`)
		switch {
		case m.ApplicationID == a.ID && m.Kind == onboarding.MessageReviewRequest:
			review = m
		case m.ApplicationID == payer.ID && m.Kind == onboarding.MessageOTP:
			otp = m
		}
	}
	require.NotEmpty(t, review.ID, "the staff's review request is dead")
	require.NotEmpty(t, otp.ID, "the one-time code is dead")
	assert.Contains(t, p.body, "relay refused the message for o**@operator.example", "the last error, redacted")
	for _, full := range []string{"ops@operator.example", "anita.rao@suraksha-insurance.example", "9000011002",
		"hcx.onboarding@suraksha-insurance.example", "9000011001"} {
		assert.NotContains(t, p.body, full, "addresses are masked")
	}
	assert.Regexp(t, `action="/console/outbox/retry">\s*<input type="hidden" name="csrf" value="`+regexp.QuoteMeta(csrf)+`">`, p.body,
		"the Retry form carries the session's CSRF token")

	// Without the reviewer role: no button, and the post is refused.
	ravi := newBrowser(t, srv)
	raviCSRF := ravi.login(approverToken)
	rp := ravi.get("/console/outbox")
	require.Equal(t, http.StatusOK, rp.status)
	assert.Contains(t, rp.body, `data-message="`+review.ID+`"`, "every member sees the list")
	assert.NotContains(t, rp.body, `action="/console/outbox/retry"`, "no Retry button without the reviewer role")
	denied := ravi.post("/console/outbox/retry", url.Values{"csrf": {raviCSRF}, "id": {review.ID}}, "")
	assert.Equal(t, http.StatusForbidden, denied.status, "body: %s", denied.body)
	assert.Contains(t, denied.body, "reviewer role")

	// An unknown or missing id, or a code past its lifetime: a message on
	// the list, nothing sent again.
	for _, tc := range []struct{ id, want string }{
		{"nothing/1/0", "not found"},
		{"", "id is required"},
		{otp.ID, "it is not sent late"},
	} {
		res := rita.post("/console/outbox/retry", url.Values{"csrf": {csrf}, "id": {tc.id}}, "")
		require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
		assert.Equal(t, "/console/outbox", res.location)
		back := rita.get(res.location)
		assert.Contains(t, back.body, "flash-error", tc.id)
		assert.Contains(t, back.body, tc.want, tc.id)
	}
	dead, err := f.svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.Len(t, dead, len(api.Messages), "no refused post sent a message again")

	// The reviewer's Retry: back in the outbox, then sent.
	id := review.ID
	res2 := rita.post("/console/outbox/retry", url.Values{"csrf": {csrf}, "id": {id}}, "")
	require.Equal(t, http.StatusSeeOther, res2.status, "body: %s", res2.body)
	assert.Equal(t, "/console/outbox", res2.location)
	back := rita.get(res2.location)
	assert.Contains(t, back.body, "flash-ok")
	assert.Contains(t, back.body, "Message "+id+" is back in the outbox")
	assert.NotContains(t, back.body, `data-message="`+id+`"`, "no longer a dead letter")
	n.fail = false
	sent, err := f.svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, sent, "the message retried is sent")
}

// Every member sees an empty list said in words when nothing is dead.
func TestConsoleDeadLettersEmpty(t *testing.T) {
	t.Parallel()
	_, srv := consoleServer(t)
	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/outbox")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "No dead letters")
	assert.False(t, strings.Contains(p.body, `action="/console/outbox/retry"`))
}
