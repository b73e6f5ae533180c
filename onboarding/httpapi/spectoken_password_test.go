package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The reference platform's clients ask the v0.9 token route with username
// and password alone: the username (the primary e-mail) finds the
// participant, and password is the secret.
func TestSpecTokenTakesThePlatformsPasswordForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Password Regulator")
	form := url.Values{"username": {a.Participant.PrimaryEmail}, "password": {secret}}.Encode()
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", body: form,
		contentType: "application/x-www-form-urlencoded"})
	require.Equal(t, http.StatusOK, res.status, "platform password form: %s", res.body)
	var out httpapi.SpecTokenResponse
	res.decode(t, &out)
	assert.NotEmpty(t, out.AccessToken)

	b, _ := f.live("Other Regulator")
	for name, tt := range map[string]struct {
		form url.Values
		want int
	}{
		"a wrong password":                    {url.Values{"username": {a.Participant.PrimaryEmail}, "password": {secret + "x"}}, http.StatusUnauthorized},
		"another participant's e-mail":        {url.Values{"username": {b.Participant.PrimaryEmail}, "password": {secret}}, http.StatusUnauthorized},
		"an unknown e-mail":                   {url.Values{"username": {"nobody@nowhere.example"}, "password": {secret}}, http.StatusUnauthorized},
		"a secret and a password that differ": {url.Values{"username": {a.Participant.PrimaryEmail}, "password": {secret}, "secret": {secret + "x"}}, http.StatusBadRequest},
	} {
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate", body: tt.form.Encode(),
			contentType: "application/x-www-form-urlencoded"})
		assert.Equal(t, tt.want, res.status, "%s: %s", name, res.body)
		assert.NotContains(t, string(res.body), "access_token", name)
	}
}
