package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A live participant changing its step-3 details with its own access
// token is recorded as participant:<code>, its wrong step-up codes too.
func TestDetailsChangeByTheLiveParticipantIsItsOwn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	live, secret := f.live("Details Changing Regulator")
	code := live.Participant.ParticipantCode
	at, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	mine := "/v1/onboarding/applications/" + live.ID
	res := f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: bearer(at.Value),
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	d := validDetails(t)
	d.EndpointURL = "https://hcx2.participant.example/v0.9"
	d.StepUpCode = "000000"
	if d.StepUpCode == f.out.lastCode(live.ID) {
		d.StepUpCode = "111111"
	}
	res = f.do(request{method: http.MethodPut, path: mine + "/details", auth: bearer(at.Value), body: d})
	require.NotEqual(t, http.StatusOK, res.status, "a wrong code: %s", res.body)
	d.StepUpCode = f.out.lastCode(live.ID)
	res = f.do(request{method: http.MethodPut, path: mine + "/details", auth: bearer(at.Value), body: d})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	events, err := f.svc.Events(ctx, live.ID)
	require.NoError(t, err)
	var found, failed, asked bool
	for _, e := range events {
		if e.Action == onboarding.ActionStepUpSent {
			asked = true
			assert.Equal(t, "participant:"+code, e.Actor, "the participant asked for the code")
		}
		if e.Action == onboarding.ActionStepUpFailed {
			failed = true
			assert.Equal(t, "participant:"+code, e.Actor, "the wrong code was the participant's")
		}
		if e.Action == onboarding.ActionSubmitDetails && e.Reason == "endpoint "+d.EndpointURL {
			found = true
			assert.Equal(t, "participant:"+code, e.Actor, "the live participant changed its details with its access token")
		}
	}
	require.True(t, found)
	require.True(t, failed)
	require.True(t, asked)
}
