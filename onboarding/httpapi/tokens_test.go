package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// tokenTally counts what a TokenObserver is told.
type tokenTally struct {
	mu sync.Mutex
	n  map[[2]string]int
}

func (c *tokenTally) observe(route, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[[2]string{route, outcome}]++
}

func (c *tokenTally) snapshot() map[[2]string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[[2]string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

func TestTokenObserver(t *testing.T) {
	t.Parallel()
	tally := &tokenTally{n: map[[2]string]int{}}
	f := newFixture(t, httpapi.WithTokenObserver(tally.observe))
	a, secret := f.live("Insurance Regulatory Authority")
	code := a.Participant.ParticipantCode
	const formCT = "application/x-www-form-urlencoded"
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	v1 := func(secret string) request {
		return request{method: http.MethodPost, path: "/v1/onboarding/token", body: httpapi.TokenRequest{ParticipantCode: code, Secret: secret}}
	}
	spec := func(username, secret string) request {
		return request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", contentType: formCT,
			body: form("participant_code", code, "username", username, "secret", secret)}
	}
	kc := func(realm, grant, secret string) request {
		return request{method: http.MethodPost, path: "/auth/realms/" + realm + "/protocol/openid-connect/token", contentType: formCT,
			body: form("grant_type", grant, "username", code, "password", secret)}
	}
	for _, c := range []struct {
		req     request
		status  int
		route   string
		outcome string
	}{
		{v1(secret), http.StatusOK, httpapi.TokenRouteV1, httpapi.TokenIssued},
		{v1("hcxs_wrong"), http.StatusUnauthorized, httpapi.TokenRouteV1, httpapi.TokenRefused},
		{request{method: http.MethodPost, path: "/v1/onboarding/token", body: "{not json"}, http.StatusBadRequest, httpapi.TokenRouteV1, httpapi.TokenFailed},
		{spec(code, secret), http.StatusOK, httpapi.TokenRouteSpec, httpapi.TokenIssued},
		{spec(code, "hcxs_wrong"), http.StatusUnauthorized, httpapi.TokenRouteSpec, httpapi.TokenRefused},
		// The right secret under another participant's name: refused after
		// the engine issued, and counted as refused, not issued.
		{spec("someone-else@hcx", secret), http.StatusUnauthorized, httpapi.TokenRouteSpec, httpapi.TokenRefused},
		{kc("hcx", "password", secret), http.StatusOK, httpapi.TokenRouteKeycloak, httpapi.TokenIssued},
		{kc("hcx", "password", "hcxs_wrong"), http.StatusUnauthorized, httpapi.TokenRouteKeycloak, httpapi.TokenRefused},
		{kc("hcx", "client_credentials", secret), http.StatusBadRequest, httpapi.TokenRouteKeycloak, httpapi.TokenFailed},
		{kc("no-such-realm", "password", secret), http.StatusNotFound, httpapi.TokenRouteKeycloak, httpapi.TokenFailed},
	} {
		before := tally.snapshot()
		res := f.do(c.req)
		require.Equal(t, c.status, res.status, "%s %s: %s", c.route, c.outcome, res.body)
		after := tally.snapshot()
		key := [2]string{c.route, c.outcome}
		require.Equal(t, before[key]+1, after[key], "%s %s", c.route, c.outcome)
		delete(before, key)
		delete(after, key)
		require.Equal(t, before, after, "one observation per request")
	}

	// Other routes tell the observer nothing.
	before := tally.snapshot()
	res := f.do(request{method: http.MethodGet, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(staffToken)})
	require.NotZero(t, res.status)
	require.Equal(t, before, tally.snapshot())

	_, err := httpapi.New(f.svc, httpapi.WithTokenObserver(nil))
	require.ErrorIs(t, err, httpapi.ErrInvalidOption)
}

// The Keycloak-style route takes the primary e-mail as the username in any
// case, as the SDKs send what the participant registered: the engine
// stores it in lower case, and the v0.9 route already compares it so.
func TestKeycloakUsernameEmailInAnyCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := f.regulator("Mixed Case Regulator")
	app.PrimaryEmail = "HCX@Regulator.example"
	a, _ := f.submit(app)
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, validDetails(t))
	require.NoError(t, err)
	creds, err := f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = f.svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "staff:approver"})
	require.NoError(t, err)
	for _, username := range []string{"HCX@Regulator.example", "hcx@regulator.example", " Hcx@REGULATOR.example "} {
		res := f.do(request{method: http.MethodPost, path: "/auth/realms/swasth-hcx-participants/protocol/openid-connect/token",
			contentType: "application/x-www-form-urlencoded",
			body: url.Values{"client_id": {"registry-frontend"}, "username": {username}, "password": {creds.Secret},
				"grant_type": {"password"}}.Encode()})
		assert.Equal(t, http.StatusOK, res.status, "%q: %s", username, res.body)
	}
}
