package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// An answer that carries an access token is neither stored nor reused by
// a cache: Cache-Control: no-store and, for HTTP/1.0 caches, Pragma:
// no-cache, as OAuth 2.0 (RFC 6749, section 5.1) and Keycloak have it, on
// every token route. Other answers carry no Pragma.
func TestTokenAnswersAreNotCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Insurance Regulatory Authority")
	code := a.Participant.ParticipantCode
	const formCT = "application/x-www-form-urlencoded"
	for name, req := range map[string]request{
		"v1": {method: http.MethodPost, path: "/v1/onboarding/token", body: httpapi.TokenRequest{ParticipantCode: code, Secret: secret}},
		"v0.9": {method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", contentType: formCT,
			body: url.Values{"participant_code": {code}, "username": {code}, "secret": {secret}}.Encode()},
		"Keycloak": {method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", contentType: formCT,
			body: url.Values{"grant_type": {"password"}, "username": {code}, "password": {secret}}.Encode()},
	} {
		res := f.do(req)
		require.Equal(t, http.StatusOK, res.status, "%s: %s", name, res.body)
		assert.Equal(t, "no-store", res.header.Get("Cache-Control"), name)
		assert.Equal(t, "no-cache", res.header.Get("Pragma"), name)
	}
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: `{}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	assert.Empty(t, res.header.Get("Pragma"))
}
