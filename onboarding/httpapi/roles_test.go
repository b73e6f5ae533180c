package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
