package httpapi_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// hiddenField returns the value of the page's first hidden input named
// name.
func hiddenField(t *testing.T, p page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)">`).FindStringSubmatch(p.body)
	require.NotNil(t, m, "no hidden %s field in: %s", name, p.body)
	return html.UnescapeString(m[1])
}

// The go-live form confirms the details the page showed: when the
// participant changes its endpoint after the page was rendered, the form
// as the page rendered it is refused, and the form of a page showing the
// new endpoint goes through.
func TestConsoleGoLiveOnTheDetailsShown(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Stale Form Regulator"))
	a = f.approveReview(a) // decided by another staff member, so this one may take it live
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)

	b := newBrowser(t, srv)
	b.login(staffToken)
	goLive := func(p page) {
		t.Helper()
		form := url.Values{"csrf": {csrfOf(t, p)}, "details_seen": {hiddenField(t, p, "details_seen")}}
		for _, k := range []string{"pilot_completed", "staff_trained", "certificate_fetched", "firewall_allows_hcx"} {
			form.Set(k, "on")
		}
		require.Equal(t, http.StatusSeeOther, b.post("/console/applications/"+a.ID+"/go-live", form, "").status)
	}
	stale := b.get("/console/applications/" + a.ID)
	require.Contains(t, stale.body, "https://hcx.participant.example/v0.9")

	moved := validDetails(t)
	moved.EndpointURL = "https://elsewhere.participant.example/hcx"
	_, err = f.svc.SubmitDetails(ctx, a.ID, moved)
	require.NoError(t, err)

	goLive(stale)
	after := b.get("/console/applications/" + a.ID)
	assert.Contains(t, after.body, "flash-error")
	assert.Contains(t, after.body, "changed since they were shown")
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.NotEqual(t, hcxonboard.StatusActive, got.Status, "live on %s, which the page never showed", got.Details.EndpointURL)

	require.Contains(t, after.body, "https://elsewhere.participant.example/hcx")
	goLive(after)
	got, err = f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status)
}

// A decision form approves the findings the page showed: after a recheck
// rewrote them, the form as the page rendered it is refused, and the form
// of a page showing the new findings goes through.
func TestConsoleDecisionOnTheFindingsShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var registryName atomic.Value
	registryName.Store("Insurance Regulatory Authority, Hyderabad")
	var inner verifier.Verifier
	check := verifier.VerifierFunc(func(ctx context.Context, app *hcxonboard.Application) (*verifier.Report, error) {
		rep, err := inner.Verify(ctx, app)
		if err != nil {
			return nil, err
		}
		for i, res := range rep.Requirements {
			if res.ID == verifier.ReqCaseReview {
				res.Findings = []verifier.Finding{{Field: "name", Applicant: app.ParticipantName,
					Registry: registryName.Load().(string), Source: "registry"}}
				rep.Requirements[i] = res
			}
		}
		return rep, nil
	})
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithVerifier(check)})
	entry, err := f.issuer.TrustedIssuer(hcxonboard.Roles()...)
	require.NoError(t, err)
	trust, err := sandbox.NewTrustList(entry)
	require.NoError(t, err)
	sv, err := sandbox.NewVerifier(sandbox.WithTrustList(trust))
	require.NoError(t, err)
	inner, err = verifier.New(verifier.WithSandboxVerifier(sv))
	require.NoError(t, err)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)

	a, _ := f.submit(f.regulator("Insurance Regulatory Authority"))
	var task onboarding.Task
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindReview {
			task = tk
		}
	}
	require.NotEmpty(t, task.ID)

	b := newBrowser(t, srv)
	b.login(staffToken)
	decide := func(p page) {
		t.Helper()
		form := url.Values{"csrf": {csrfOf(t, p)}, "seen": {hiddenField(t, p, "seen")}, "decision": {"approve"}, "reason": {"the name matches"}}
		require.Equal(t, http.StatusSeeOther, b.post("/console/applications/"+a.ID+"/tasks/"+task.ID+"/decision", form, "").status)
	}
	stale := b.get("/console/applications/" + a.ID)
	require.Contains(t, stale.body, "Insurance Regulatory Authority, Hyderabad")

	registryName.Store("Unrelated Shell Trading Company")
	_, err = f.svc.RecheckBy(ctx, a.ID, "staff:ravi")
	require.NoError(t, err)

	decide(stale)
	after := b.get("/console/applications/" + a.ID)
	assert.Contains(t, after.body, "flash-error")
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	tk, _ := got.Task(task.ID)
	require.Equal(t, onboarding.TaskOpen, tk.State, "approved on findings the page never showed")

	require.Contains(t, after.body, "Unrelated Shell Trading Company")
	decide(after)
	got, err = f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	tk, _ = got.Task(task.ID)
	assert.Equal(t, onboarding.TaskDone, tk.State)
}

// Over the staff API, seen and details_seen are optional; given, a task or
// details that changed since answer 409 and nothing is decided.
func TestStaffAPIRefusesDecisionsOnWhatChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("API Regulator"))
	var task onboarding.Task
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindReview {
			task = tk
		}
	}
	require.NotEmpty(t, task.ID)
	var shown httpapi.Application
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + a.ID, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	res.decode(t, &shown)
	require.Len(t, shown.Tasks, 1)
	require.Equal(t, task.Fingerprint, shown.Tasks[0].Fingerprint)

	path := "/v1/onboarding/staff/applications/" + a.ID + "/tasks/" + task.ID + "/decision"
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(staffToken), body: `{"decision":"approve","seen":"0123"}`})
	assert.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	res = f.do(request{method: http.MethodPost, path: path, auth: bearer(staffToken), body: `{"decision":"approve","seen":"` + task.Fingerprint + `"}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	b, _ := f.submit(f.regulator("API Regulator Two"))
	b = f.approveReview(b) // by another staff member: asha may take it live
	b, err := f.svc.SubmitDetails(ctx, b.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, b.ID)
	require.NoError(t, err)
	golive := "/v1/onboarding/staff/applications/" + b.ID + "/go-live"
	body := `{"pilot_completed":true,"staff_trained":true,"details_seen":"%s"}`
	res = f.do(request{method: http.MethodPost, path: golive, auth: bearer(staffToken), body: fmt.Sprintf(body, "0123")})
	assert.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	res = f.do(request{method: http.MethodPost, path: golive, auth: bearer(staffToken), body: fmt.Sprintf(body, b.DetailsFingerprint())})
	assert.Equal(t, http.StatusOK, res.status, "%s", res.body)
}

// While an announced de-boarding's notice runs, the console offers no
// de-board form: the notice is the participant's, to appeal in, and staff
// do not cut it short — a post of the form anyway is refused.
func TestConsoleOffersNoDeboardDuringANotice(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	ctx := context.Background()
	a, _ := f.live("Notice Period Regulator")
	b := newBrowser(t, srv)
	b.login(staffToken)
	pg := b.get("/console/applications/" + a.ID)
	require.Contains(t, pg.body, `id="deboard-initiator"`)
	res := b.post("/console/applications/"+a.ID+"/deboard",
		url.Values{"csrf": {csrfOf(t, pg)}, "initiator": {"hcx"}, "reason": {"repeated claim fraud"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status)

	pg = b.get("/console/applications/" + a.ID)
	assert.NotContains(t, pg.body, `id="deboard-initiator"`)
	res = b.post("/console/applications/"+a.ID+"/deboard",
		url.Values{"csrf": {csrfOf(t, pg)}, "initiator": {"voluntary"}, "reason": {"no need to wait"}}, "")
	require.Equal(t, http.StatusSeeOther, res.status)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusActive, got.Status)
	assert.True(t, got.Deboarding.Pending())
}

// The application page shows its audit trail a page at a time, with a
// link to the next page, as the events route pages it: staff views add
// events without end.
func TestConsoleApplicationPagesItsAuditTrail(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Much Viewed Regulator"))
	for range registry.DefaultLimit + 50 {
		require.NoError(t, f.svc.RecordContactView(ctx, a.ID, "staff:ravi"))
	}
	b := newBrowser(t, srv)
	b.login(staffToken)
	seen := 0
	next := "/console/applications/" + a.ID
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, 5)
		p := b.get(next)
		require.Equal(t, http.StatusOK, p.status)
		rows := strings.Count(p.body, `<tr data-action="`)
		assert.LessOrEqual(t, rows, registry.DefaultLimit)
		seen += rows
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]*)#audit" id="audit-next">`).FindStringSubmatch(p.body); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	es, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, seen, registry.DefaultLimit+52, "every event is on some page")
	assert.LessOrEqual(t, seen, len(es))

	bad := b.get("/console/applications/" + a.ID + "?cursor=nonsense")
	assert.Equal(t, http.StatusBadRequest, bad.status)
}
