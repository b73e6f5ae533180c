package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// basic is an Authorization header with a participant code and secret.
func basic(code, secret string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(code, secret)
	return r.Header.Get("Authorization")
}

// A suspended participant gets no access token, yet reaches its own
// application with its code and secret: it asks for a step-up code,
// registers new certificates, appeals an announced de-boarding and
// reports a compromise. Its secret opens no other application, a wrong
// one is refused as any credential is, and a revoked one opens nothing.
func TestSuspendedParticipantActsWithItsSecret(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Suspended Regulator")
	other, otherSecret := f.live("Other Regulator")
	code := a.Participant.ParticipantCode
	at, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	_, err = f.svc.Suspend(ctx, a.ID, "staff:"+staffID, "SLA breach")
	require.NoError(t, err)
	_, err = f.svc.Token(ctx, code, secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "a suspended participant gets no access token")

	mine := "/v1/onboarding/applications/" + a.ID
	res := f.do(request{method: http.MethodGet, path: mine, auth: bearer(at.Value)})
	require.Equal(t, http.StatusForbidden, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "Authorization: Basic", "the refusal names the way in")

	res = f.do(request{method: http.MethodGet, path: mine})
	require.Equal(t, http.StatusUnauthorized, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "(Basic)", "without a credential, the answer names each one the route takes")

	own := basic(code, secret)
	res = f.do(request{method: http.MethodGet, path: mine, auth: own})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	refused := []struct{ name, auth, path string }{
		{"a wrong secret", basic(code, strings.Repeat("x", len(secret))), mine},
		{"an unknown code", basic("no-such@hcx", secret), mine},
		{"another participant's code with this secret", basic(other.Participant.ParticipantCode, secret), mine},
	}
	for _, c := range refused {
		res := f.do(request{method: http.MethodGet, path: c.path, auth: c.auth})
		require.Equal(t, http.StatusUnauthorized, res.status, "%s: %s", c.name, res.body)
		assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code, c.name)
	}
	res = f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + other.ID, auth: own})
	require.Equal(t, http.StatusForbidden, res.status, "its secret opens no other application: %s", res.body)
	res = f.do(request{method: http.MethodGet, path: mine, auth: basic(other.Participant.ParticipantCode, otherSecret)})
	require.Equal(t, http.StatusForbidden, res.status, "another's secret opens not this application: %s", res.body)

	// New certificates, behind a step-up code.
	res = f.do(request{method: http.MethodPost, path: mine + "/step-up", auth: own,
		body: httpapi.StepUpRequest{Purpose: onboarding.StepUpDetails}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	d := validDetails(t)
	d.EndpointURL = "https://hcx3.participant.example/v0.9"
	d.StepUpCode = f.out.lastCode(a.ID)
	res = f.do(request{method: http.MethodPut, path: mine + "/details", auth: own, body: d})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	// An appeal of a de-boarding announced while it is suspended.
	_, err = f.svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Reason: "licence withdrawn", Actor: "staff:" + staffID})
	require.NoError(t, err)
	res = f.do(request{method: http.MethodPost, path: mine + "/appeal", auth: own, body: httpapi.ReasonRequest{Reason: "the licence was renewed"}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	res = f.do(request{method: http.MethodPost, path: mine + "/compromise", auth: own, body: httpapi.ReasonRequest{Reason: "the secret was in a public repository"}})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	res = f.do(request{method: http.MethodGet, path: mine, auth: own})
	require.Equal(t, http.StatusUnauthorized, res.status, "a revoked secret opens nothing: %s", res.body)

	events, err := f.svc.Events(ctx, a.ID)
	require.NoError(t, err)
	acted := map[string]string{}
	for _, e := range events {
		acted[e.Action] = e.Actor
	}
	for _, action := range []string{onboarding.ActionSubmitDetails, onboarding.ActionAppeal, onboarding.ActionReportCompromise} {
		assert.Equal(t, "participant:"+code, acted[action], action)
	}
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, hcxonboard.StatusBlocked, got.Status, "its own acts do not end a suspension by staff")
}

// A de-boarded participant's secret opens nothing, though the secret was
// live when it left.
func TestDeboardedParticipantSecretOpensNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Leaving Regulator")
	own := basic(a.Participant.ParticipantCode, secret)
	mine := "/v1/onboarding/applications/" + a.ID
	res := f.do(request{method: http.MethodGet, path: mine, auth: own})
	require.Equal(t, http.StatusOK, res.status, "an Active participant may use its secret too: %s", res.body)
	_, err := f.svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Reason: "closing down", Actor: "staff:" + staffID})
	require.NoError(t, err)
	res = f.do(request{method: http.MethodGet, path: mine, auth: own})
	require.Equal(t, http.StatusUnauthorized, res.status, "%s", res.body)
}
