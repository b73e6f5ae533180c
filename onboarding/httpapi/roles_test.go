package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
	"github.com/openhcx/hcxonboard/registry"
)

const (
	reviewerToken = "staff-token-rita-reviewer-0123456789"
	approverToken = "staff-token-ravi-approver-0123456789"
)

// Staff act by role, and the person who approved a review does not take
// the application live; the audit actor is who authenticated.
func TestStaffRolesAndFourEyes(t *testing.T) {
	t.Parallel()
	set, err := httpapi.NewStaffTokenSet(map[string]string{"rita": reviewerToken, "ravi": approverToken, staffID: staffToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("rita", httpapi.RoleReviewer))
	require.NoError(t, set.SetRoles("ravi", httpapi.RoleApprover))
	assert.Equal(t, []httpapi.StaffRole{httpapi.RoleAdmin}, set.Roles(staffID), "no roles set: admin")
	assert.Nil(t, set.Roles("nobody"))
	require.ErrorIs(t, set.SetRoles("rita", "superuser"), httpapi.ErrInvalidOption)

	f := newFixture(t, httpapi.WithStaffSet(set))
	ctx := context.Background()
	a, _ := f.submit(f.regulator("Roles Regulator"))
	task := a.OpenTasks()[0].ID
	decide := func(token string) response {
		return f.do(request{method: http.MethodPost, auth: bearer(token),
			path: "/v1/onboarding/staff/applications/" + a.ID + "/tasks/" + task + "/decision",
			body: httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "registrar confirmed"}})
	}
	res := decide(approverToken)
	require.Equal(t, http.StatusForbidden, res.status, "an approver does not review: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "reviewer role")
	assert.Contains(t, res.envelope(t).Error.Message, "ask a staff member who holds it", "the refusal says what to do")
	require.Equal(t, http.StatusOK, decide(reviewerToken).status)

	_, err = f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	goLive := func(token string) response {
		return f.do(request{method: http.MethodPost, auth: bearer(token),
			path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live",
			body: httpapi.GoLiveRequest{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "mallory"}})
	}
	res = goLive(reviewerToken)
	require.Equal(t, http.StatusForbidden, res.status, "a reviewer does not take participants live: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "approver role")

	// An admin who approved the review is still refused: four eyes.
	require.NoError(t, set.SetRoles("rita", httpapi.RoleAdmin))
	res = goLive(reviewerToken)
	require.Equal(t, http.StatusForbidden, res.status, "four eyes: %s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "staff:rita approved task")

	res = goLive(approverToken)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	events, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, onboarding.ActionGoLive, last.Action)
	assert.Equal(t, "staff:ravi", last.Actor, "the actor is who authenticated, never the body's confirmed_by")
	assert.Contains(t, last.Reason, "confirmed_by: mallory", "the body's words are a note")
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageLive, got.Stage)
}

// A member whose roles were all taken away reads nothing, on the API or in
// the console; a staff ID with spaces around it is refused, and a check
// that answers one is trimmed, so one member is one actor to four eyes.
func TestNoRoleNoAccessAndOneMemberOneActor(t *testing.T) {
	t.Parallel()
	const noneToken = "staff-token-nora-no-role-0123456789"
	set, err := httpapi.NewStaffTokenSet(map[string]string{"nora": noneToken, staffID: staffToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("nora"))
	f := newFixture(t, httpapi.WithStaffSet(set))
	a, _ := f.submit(f.regulator("No Role Regulator"))
	for _, path := range []string{"/v1/onboarding/staff/applications/" + a.ID, "/v1/onboarding/staff/applications?waiting=all"} {
		assert.Equal(t, http.StatusForbidden, f.do(request{method: http.MethodGet, path: path, auth: bearer(noneToken)}).status, path)
		assert.Equal(t, http.StatusOK, f.do(request{method: http.MethodGet, path: path, auth: bearer(staffToken)}).status, path)
	}
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: bearer(noneToken), body: registry.Query{}})
	assert.Equal(t, http.StatusForbidden, res.status, "participant search: %s", res.body)

	_, err = httpapi.NewStaffTokenSet(map[string]string{" asha": staffToken})
	require.ErrorIs(t, err, httpapi.ErrInvalidOption)

	// A check of the operator's own that answers " asha": the trail names
	// asha, as the console does, and four eyes sees one person.
	padded := func(r *http.Request) (string, bool) {
		if r.Header.Get("Authorization") == "Bearer "+staffToken {
			return " " + staffID + " ", true
		}
		return "", false
	}
	g := newFixture(t, httpapi.WithStaffAuth(padded))
	b, _ := g.submit(g.regulator("Padded Regulator"))
	task := b.OpenTasks()[0].ID
	res = g.do(request{method: http.MethodPost, auth: bearer(staffToken),
		path: "/v1/onboarding/staff/applications/" + b.ID + "/tasks/" + task + "/decision",
		body: httpapi.DecisionRequest{Decision: httpapi.DecisionApprove, Reason: "registrar confirmed"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	got, err := g.svc.Application(context.Background(), b.ID)
	require.NoError(t, err)
	for _, tk := range got.Tasks {
		if tk.ID == task {
			assert.Equal(t, "staff:"+staffID, tk.DecidedBy)
		}
	}
}

// A page of the staff queue names no one in full: its e-mail addresses
// and mobile numbers are masked, so the queue is no bulk export of
// contacts; the application's own answer keeps them.
func TestQueueMasksContacts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := f.regulator("Masked Regulator")
	app.PrimaryEmail, app.PrimaryMobile = "registrar.office@regulator.example", "9876543210"
	app.SystemAdmin = &hcxonboard.Contact{Name: "Meera Iyer", Email: "meera.iyer@regulator.example", Mobile: "9123456780"}
	a, _ := f.submit(app)
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications?waiting=all", auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	for _, clear := range []string{"registrar.office@", "9876543210", "meera.iyer@", "9123456780"} {
		assert.NotContains(t, string(res.body), clear)
	}
	assert.Contains(t, string(res.body), hcxonboard.MaskEmail("registrar.office@regulator.example"))
	assert.Contains(t, string(res.body), "Meera Iyer", "names stay")
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/staff/applications/" + a.ID, auth: bearer(staffToken)})
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, string(res.body), "registrar.office@regulator.example")
}

// A member whose roles are taken while logged in can still log out; one
// without roles is told so at the login, not let into pages it may not
// read.
func TestNoRoleMemberLogsOutAndCannotLogIn(t *testing.T) {
	t.Parallel()
	const noraToken = "staff-token-nora-0123456789abcdef"
	set, err := httpapi.NewStaffTokenSet(map[string]string{staffID: staffToken, "nora": noraToken})
	require.NoError(t, err)
	require.NoError(t, set.SetRoles("nora", httpapi.RoleReviewer))
	f, srv := consoleServer(t, httpapi.WithStaffSet(set))
	nora := newBrowser(t, srv)
	csrf := nora.login(noraToken)
	require.Equal(t, 1, f.h.Sessions())
	require.NoError(t, set.SetRoles("nora"))
	assert.Equal(t, http.StatusForbidden, nora.get("/console/queue").status)
	res := nora.post("/console/logout", url.Values{"csrf": {csrf}}, "")
	assert.Equal(t, http.StatusSeeOther, res.status, "logout: %s", res.body)
	assert.Zero(t, f.h.Sessions(), "the session ended")

	again := newBrowser(t, srv)
	lp := again.get("/console/login")
	res = again.post("/console/login", url.Values{"csrf": {csrfOf(t, lp)}, "token": {noraToken}}, "")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "holds no staff role")
	assert.Zero(t, f.h.Sessions())
}
