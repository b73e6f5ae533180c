package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The platform's gateway reads a realm's key set at
// /auth/realms/{realm}/protocol/openid-connect/certs (its jwt.jwkUrl, the
// realm put in) and verifies tokens with its first key: the route serves
// the token keys for every configured realm, and 404 for any other.
func TestKeycloakRealmCerts(t *testing.T) {
	t.Parallel()
	f := platformFixture(t)
	a, secret := f.live("Certs Regulator")
	tok, err := f.svc.Token(context.Background(), a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	for _, realm := range httpapi.DefaultKeycloakRealms {
		res := f.do(request{method: http.MethodGet, path: "/auth/realms/" + realm + "/protocol/openid-connect/certs"})
		require.Equal(t, http.StatusOK, res.status, "realm %s: %s", realm, res.body)
		set, err := jwk.Parse(res.body)
		require.NoError(t, err)
		first, ok := set.Key(0)
		require.True(t, ok)
		assert.Equal(t, jwa.RS256, first.Algorithm())
		pub, err := first.PublicKey()
		require.NoError(t, err)
		_, err = jwt.Parse([]byte(tok.Value), jwt.WithKey(jwa.RS256, pub), jwt.WithValidate(false))
		require.NoError(t, err, "realm %s: its first key verifies the participant's token", realm)
	}
	res := f.do(request{method: http.MethodGet, path: "/auth/realms/elsewhere/protocol/openid-connect/certs"})
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, httpapi.CodeInvalidRequest, res.envelope(t).Error.Code)
}
