package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
)

// newApplicationRoute is the route that files a new application (and not
// one of an application's own routes).
var newApplicationRoute = regexp.MustCompile(`POST /v1/onboarding/applications([^/]|$)`)

// An application that reached an end — rejected, withdrawn, de-boarded —
// answers an action that no longer fits with the way on: a new
// application. Following that advice works: the same application filed
// again is taken.
func TestNextStepAfterTheEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	details := json.RawMessage(`{"endpoint_url":"https://hcx.participant.example/v0.9","encryption_cert":"` +
		strings.ReplaceAll(validDetails(t).EncryptionCert, "\n", `\n`) + `"}`)

	rejected := f.regulator("Rejected Next Step Regulator")
	rej, rtok := f.submit(rejected)
	_, err := f.svc.Decide(ctx, rej.ID, rej.OpenTasks()[0].ID, onboarding.Decision{Reviewer: "staff:asha", Reason: "not a regulator"})
	require.NoError(t, err)
	withdrawn := f.regulator("Withdrawn Next Step Regulator")
	wd, wtok := f.submit(withdrawn)
	_, err = f.svc.Withdraw(ctx, wd.ID, "applicant", "filed by mistake")
	require.NoError(t, err)

	for _, c := range []struct {
		name, id, tok string
	}{{"rejected", rej.ID, rtok}, {"withdrawn", wd.ID, wtok}} {
		res := f.do(request{method: http.MethodPut, path: "/v1/onboarding/applications/" + c.id + "/details", auth: bearer(c.tok), body: details})
		require.Equal(t, http.StatusConflict, res.status, "%s: %s", c.name, res.body)
		msg := res.envelope(t).Error.Message
		assert.Regexp(t, newApplicationRoute, msg, "%s: the way on is a new application", c.name)
		res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + c.id + "/go-live", auth: bearer(staffToken),
			body: json.RawMessage(`{"pilot_completed":true,"staff_trained":true}`)})
		require.Equal(t, http.StatusConflict, res.status, "%s: %s", c.name, res.body)
		assert.Regexp(t, newApplicationRoute, res.envelope(t).Error.Message, "%s: staff are told the same", c.name)
	}
	// The advice holds: each is taken again as a new application.
	for _, app := range []*hcxonboard.Application{rejected, withdrawn} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications", body: app})
		assert.Equal(t, http.StatusCreated, res.status, "%s filed again: %s", app.ParticipantName, res.body)
	}

	// De-boarded: the participant's way back is a new application too.
	gone, _ := f.live("Deboarded Next Step Regulator")
	_, err = f.svc.Deboard(ctx, gone.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:asha", Reason: "leaving"})
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + gone.ID + "/reinstate", auth: bearer(staffToken),
		body: json.RawMessage(`{"reason":"back"}`)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	assert.Regexp(t, newApplicationRoute, res.envelope(t).Error.Message)
}

// A suspended participant answers an action that does not fit with what
// ends the suspension: staff reinstating it.
func TestNextStepWhileSuspended(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	sus, _ := f.live("Suspended Next Step Regulator")
	_, err := f.svc.Suspend(ctx, sus.ID, "staff:asha", "unpaid dues")
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + sus.ID + "/go-live", auth: bearer(staffToken),
		body: json.RawMessage(`{"pilot_completed":true,"staff_trained":true}`)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "POST /v1/onboarding/staff/applications/"+sus.ID+"/reinstate")
}
