package httpapi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The integrator SDKs' documentation configures the Keycloak realm
// swasth-health-claim-exchange, which the reference platform's gateway
// routes to its token route: an SDK configured so gets its token here.
func TestKeycloakRealmOfTheSDKDocs(t *testing.T) {
	t.Parallel()
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	key, err := jwk.FromRaw(raw)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(key, credential.WithProfile(credential.ProfileSpec))
	require.NoError(t, err)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithTokens(tokens)}, httpapi.WithProfile(credential.ProfileSpec))
	a, secret := f.live("Insurance Regulatory Authority")
	form := url.Values{"client_id": {"registry-frontend"}, "username": {a.Participant.PrimaryEmail},
		"password": {secret}, "grant_type": {"password"}}.Encode()
	res := f.do(request{method: http.MethodPost, path: "/auth/realms/swasth-health-claim-exchange/protocol/openid-connect/token",
		body: form, contentType: "application/x-www-form-urlencoded"})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	res = f.do(request{method: http.MethodPost, path: "/auth/realms/no-such-realm/protocol/openid-connect/token",
		body: form, contentType: "application/x-www-form-urlencoded"})
	require.Equal(t, http.StatusNotFound, res.status, "another realm is refused: %s", res.body)
}
