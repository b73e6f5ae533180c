package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Keycloak's token route reads the parameters of the grant and ignores
// the others, so OAuth and OpenID clients send more than the SDKs do
// (scope, an empty code or redirect_uri, totp, audience): the
// Keycloak-compatible route takes them as Keycloak does. The grant's own
// parameters are still checked: given twice, or not clean text, they are
// refused, and a wrong password is the one credential refusal.
func TestKeycloakTokenIgnoresParametersOfOtherGrants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Keycloak Regulator")
	const path = "/auth/realms/hcx/protocol/openid-connect/token"
	post := func(v url.Values) response {
		return f.do(request{method: http.MethodPost, path: path, body: v.Encode(), contentType: "application/x-www-form-urlencoded"})
	}
	grant := func(extra url.Values) url.Values {
		v := url.Values{"grant_type": {"password"}, "client_id": {"registry-frontend"},
			"username": {a.Participant.PrimaryEmail}, "password": {secret}}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}

	for _, extra := range []url.Values{
		{"scope": {"openid profile"}},
		{"code": {""}, "redirect_uri": {""}},
		{"totp": {""}},
		{"audience": {"hcx"}, "requested_token_type": {"urn:ietf:params:oauth:token-type:access_token"}},
		{"nonce": {"a", "b"}},
	} {
		res := post(grant(extra))
		require.Equal(t, http.StatusOK, res.status, "%v: %s", extra, res.body)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		res.decode(t, &tok)
		assert.NotEmpty(t, tok.AccessToken)
	}

	for name, v := range map[string]url.Values{
		"the password twice": grant(url.Values{"password": {secret, secret}}),
		"a NUL in username":  grant(url.Values{"username": {"a\x00b"}}),
		"no grant type":      grant(url.Values{"grant_type": nil, "scope": {"openid"}}),
	} {
		res := post(v)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
	}
	res := post(grant(url.Values{"password": {"wrong"}, "scope": {"openid"}}))
	assert.Equal(t, http.StatusUnauthorized, res.status, "%s", res.body)
	assert.True(t, strings.Contains(string(res.body), "invalid_grant"), "%s", res.body)

	// The document says so: the form takes members it does not list.
	_, body := fetchOpenAPI(t, f)
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	assert.Equal(t, true, doc.Components.Schemas["KeycloakTokenRequest"]["additionalProperties"])
	assert.Equal(t, false, doc.Components.Schemas["SpecTokenRequest"]["additionalProperties"], "the v0.9 route still refuses them")
}
