package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// expiryFixture is a fixture whose scheduler suspends a participant at
// certificate expiry, with the engine's clock to move.
func expiryFixture(t *testing.T) (*fixture, *clock) {
	t.Helper()
	clk := &clock{now: time.Now()}
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.Now),
		onboarding.WithSchedule(onboarding.SchedulePolicy{SuspendAtCertificateExpiry: true, SecretNotices: []time.Duration{}})})
	return f, clk
}

// expire moves the clock past the live participants' certificate and
// runs the scheduler, which suspends them.
func expire(t *testing.T, f *fixture, clk *clock, ids ...string) {
	t.Helper()
	ctx := context.Background()
	clk.add(366 * 24 * time.Hour)
	_, err := f.svc.RunDue(ctx)
	require.NoError(t, err)
	for _, id := range ids {
		a, err := f.svc.Application(ctx, id)
		require.NoError(t, err)
		require.Equal(t, hcxonboard.StatusBlocked, a.Status)
		require.True(t, a.SuspendedAtExpiry)
	}
}

// The console offers staff to suspend a participant the scheduler
// suspended at certificate expiry, and the suspension becomes staff's;
// it does not offer it for one staff suspended.
func TestConsoleSuspendsAParticipantSuspendedAtExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, clk := expiryFixture(t)
	a, _ := f.live("Expired Regulator")
	expire(t, f, clk, a.ID)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	b.login(staffToken)

	suspendForm := `action="/console/applications/` + a.ID + `/suspend"`
	pg := b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, pg.status)
	require.Contains(t, pg.body, suspendForm, "suspend is offered for the scheduler's suspension")
	assert.Contains(t, pg.body, `id="suspended-at-expiry"`, "the form says what suspending it does")
	assert.Contains(t, pg.body, `action="/console/applications/`+a.ID+`/reinstate"`)

	res := b.post("/console/applications/"+a.ID+"/suspend",
		url.Values{"csrf": {csrfOf(t, pg)}, "reason": {"claims fraud under investigation"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status, "body: %s", res.body)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status)
	assert.False(t, got.SuspendedAtExpiry, "the suspension is staff's now")
	es, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := es[len(es)-1]
	assert.Equal(t, onboarding.ActionSuspendTakeover, last.Action)
	assert.Equal(t, "staff:"+staffID, last.Actor)
	assert.Equal(t, "claims fraud under investigation", last.Reason)

	pg = b.get("/console/applications/" + a.ID)
	require.Equal(t, http.StatusOK, pg.status)
	assert.NotContains(t, pg.body, suspendForm, "staff's suspension is not offered again")
	assert.NotContains(t, pg.body, `id="suspended-at-expiry"`)
	assert.Contains(t, pg.body, `action="/console/applications/`+a.ID+`/reinstate"`)
}

// Over the JSON API the application shows the scheduler's suspension,
// staff's suspend takes it over, and suspending a participant staff
// suspended is refused as before (409), saying why.
func TestAPISuspendsAParticipantSuspendedAtExpiry(t *testing.T) {
	t.Parallel()
	f, clk := expiryFixture(t)
	a, _ := f.live("Expired API Regulator")
	expire(t, f, clk, a.ID)
	staff := "/v1/onboarding/staff/applications/" + a.ID

	res := f.do(request{method: http.MethodGet, path: staff, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.True(t, v.SuspendedAtExpiry)
	assert.Contains(t, string(res.body), `"suspended_at_expiry":true`)

	res = f.do(request{method: http.MethodPost, path: staff + "/suspend", auth: bearer(staffToken),
		body: httpapi.ReasonRequest{Reason: "claims fraud under investigation"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	v = httpapi.Application{}
	res.decode(t, &v)
	assert.Equal(t, hcxonboard.StatusBlocked, v.Status)
	assert.False(t, v.SuspendedAtExpiry)
	assert.NotContains(t, string(res.body), "suspended_at_expiry")

	res = f.do(request{method: http.MethodPost, path: staff + "/suspend", auth: bearer(staffToken),
		body: httpapi.ReasonRequest{Reason: "again"}})
	require.Equal(t, http.StatusConflict, res.status, "body: %s", res.body)
	e := res.envelope(t)
	assert.Equal(t, httpapi.CodeInvalidOnboardStatus, e.Error.Code)
	assert.Contains(t, e.Error.Message, "already suspended")
	assert.False(t, strings.Contains(e.Error.Message, "suspend_takeover"), "no internal action name: %q", e.Error.Message)
}
