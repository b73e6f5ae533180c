package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A token request without grant_type is a malformed request, as Keycloak
// and OAuth 2.0 (RFC 6749, section 5.2) answer it: 400 invalid_request
// naming the missing parameter. A grant type given and not "password" is
// unsupported_grant_type.
func TestKeycloakTokenWithoutGrantType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Keycloak Regulator")
	post := func(v url.Values) httpapi.OAuthError {
		res := f.do(request{method: http.MethodPost, path: "/auth/realms/hcx/protocol/openid-connect/token", body: v.Encode(),
			contentType: "application/x-www-form-urlencoded"})
		require.Equal(t, http.StatusBadRequest, res.status, "%v: %s", v, res.body)
		var e httpapi.OAuthError
		res.decode(t, &e)
		return e
	}
	creds := url.Values{"client_id": {"registry-frontend"}, "username": {a.Participant.PrimaryEmail}, "password": {secret}}
	e := post(creds)
	assert.Equal(t, "invalid_request", e.Error)
	assert.Contains(t, e.ErrorDescription, "grant_type")
	creds.Set("grant_type", "")
	assert.Equal(t, "invalid_request", post(creds).Error, "empty is missing")
	creds.Set("grant_type", "client_credentials")
	assert.Equal(t, "unsupported_grant_type", post(creds).Error)
}
