package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
)

// Over HTTP the audit actor of an action is the authenticated principal:
// "applicant" for the applicant token before go-live,
// "participant:<code>" for the participant's access token, or its secret,
// after it.
func TestAuditActorIsThePrincipal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()

	// Step 4 by the applicant over HTTP: the actor is the applicant.
	a, tok := f.submit(f.regulator("Insurance Information Bureau"))
	a = f.approveReview(a)
	_, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/credentials", auth: bearer(tok)})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	events, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, onboarding.ActionProvision, last.Action)
	assert.Equal(t, "applicant", last.Actor, "the applicant provisioned with its applicant token, not the system")

	// After go-live: a compromise report with the participant's access token.
	live, secret := f.live("Second Regulator Body")
	code := live.Participant.ParticipantCode
	at, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + live.ID + "/compromise",
		auth: bearer(at.Value), body: map[string]string{"reason": "secret leaked in a log"}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	events, err = f.svc.Events(ctx, live.ID)
	require.NoError(t, err)
	last = events[len(events)-1]
	require.Equal(t, onboarding.ActionReportCompromise, last.Action)
	assert.Equal(t, "participant:"+code, last.Actor, "the live participant acted with its access token")

	// Rotation by the holder of a live secret.
	third, secret3 := f.live("Third Regulator Body")
	code3 := third.Participant.ParticipantCode
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/credentials/rotate",
		body: map[string]any{"participant_code": code3, "secret": secret3}})
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	events, err = f.svc.Events(ctx, third.ID)
	require.NoError(t, err)
	last = events[len(events)-1]
	require.Equal(t, onboarding.ActionRotateSecret, last.Action)
	assert.Equal(t, "participant:"+code3, last.Actor, "the architecture's principal for a participant credential")
}
