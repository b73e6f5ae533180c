package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A JSON body is refused when it says it is something else (a form,
// text, XML): every JSON route answers 415 naming the type it takes,
// before reading the body.
func TestJSONRoutesRefuseABodyThatSaysItIsNotJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tg := newTarget(t, f)
	n := 0
	for _, rt := range apiRoutes(f.h) {
		if !rt.Body {
			continue
		}
		n++
		for _, ct := range []string{"text/plain", "application/xml", "application/x-www-form-urlencoded"} {
			if strings.HasSuffix(rt.Path, "/auth/token/generate") && ct == "application/x-www-form-urlencoded" {
				continue // the token route takes a form too
			}
			res := f.do(request{method: rt.Method, path: tg.path(rt.Path), body: `{}`, contentType: ct, auth: tg.auth(rt.Auth)})
			require.Equal(t, http.StatusUnsupportedMediaType, res.status, "%s %s with %q: %s", rt.Method, rt.Path, ct, res.body)
			e := res.envelope(t)
			assert.Equal(t, httpapi.CodeInvalidPayload, e.Error.Code)
			assert.Regexp(t, `Content-Type: (application/x-www-form-urlencoded or )?application/json\b`, e.Error.Message, "%s %s with %q", rt.Method, rt.Path, ct)
		}
	}
	assert.GreaterOrEqual(t, n, 15, "every JSON-body route is covered")
}

// A JSON body sent without a Content-Type is read as JSON, as clients
// (and requests built with httptest.NewRequest) often send it: it reaches
// the route's own checks, here the credential check.
func TestJSONRoutesReadABodyWithoutAContentTypeAsJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/token", contentType: noContentType,
		body: `{"participant_code":"nobody@hcx","secret":"wrong"}`})
	assert.Equal(t, http.StatusUnauthorized, res.status, "read as JSON: %s", res.body)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/token", contentType: noContentType, body: `{"participant_code":`})
	assert.Equal(t, http.StatusBadRequest, res.status, "read as JSON, and refused as such: %s", res.body)
}

// JSON with a charset parameter, as browsers and axios write it, is JSON;
// the amendment takes application/merge-patch+json too.
func TestJSONRoutesAcceptJSONWithParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, ct := range []string{"application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON"} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/token", contentType: ct,
			body: httpapi.TokenRequest{ParticipantCode: "nobody@hcx", Secret: "wrong"}})
		assert.Equal(t, http.StatusUnauthorized, res.status, "%q reaches the credential check: %s", ct, res.body)
	}
	a, tok := f.submit(f.regulator("Patched Regulator"))
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/send-back", auth: bearer(staffToken),
		body: httpapi.ReasonRequest{Reason: "give the office's name"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	res = f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID, auth: bearer(tok),
		contentType: "application/merge-patch+json", body: `{"participant_name":"Patched Regulator Office"}`})
	assert.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
}

// The token routes take a form (and v0.9's JSON); a body without a
// Content-Type is read as a form, as OAuth clients send it, and the form
// the integrator SDKs send is accepted.
func TestTokenRoutesReadTheirBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, secret := f.live("Typed Regulator")
	code := a.Participant.ParticipantCode
	gen := "/v0.9/participant/auth/token/generate"
	kc := "/auth/realms/hcx/protocol/openid-connect/token"
	form := url.Values{"participant_code": {code}, "username": {code}, "secret": {secret}}.Encode()
	kcForm := "client_id=registry-frontend&username=" + url.QueryEscape(code) + "&password=" + url.QueryEscape(secret) + "&grant_type=password"

	for name, req := range map[string]request{
		"v0.9 form":                {method: http.MethodPost, path: gen, contentType: "application/x-www-form-urlencoded", body: form},
		"v0.9 form, charset":       {method: http.MethodPost, path: gen, contentType: "application/x-www-form-urlencoded; charset=utf-8", body: form},
		"v0.9 JSON":                {method: http.MethodPost, path: gen, body: map[string]string{"participant_code": code, "username": code, "secret": secret}},
		"Keycloak, SDK's form":     {method: http.MethodPost, path: kc, contentType: "application/x-www-form-urlencoded", body: kcForm},
		"v0.9 form without a type": {method: http.MethodPost, path: gen, contentType: noContentType, body: form},
		"Keycloak without a type":  {method: http.MethodPost, path: kc, contentType: noContentType, body: kcForm},
	} {
		res := f.do(req)
		assert.Equal(t, http.StatusOK, res.status, "%s: %s", name, res.body)
	}
	for name, tc := range map[string]struct {
		req  request
		want string
	}{
		"v0.9 as text":   {request{method: http.MethodPost, path: gen, contentType: "text/plain", body: form}, "application/x-www-form-urlencoded or application/json"},
		"v0.9 in latin1": {request{method: http.MethodPost, path: gen, contentType: "application/x-www-form-urlencoded; charset=iso-8859-1", body: form}, "UTF-8"},
	} {
		res := f.do(tc.req)
		require.Equal(t, http.StatusUnsupportedMediaType, res.status, "%s: %s", name, res.body)
		e := res.envelope(t)
		assert.Contains(t, e.Error.Message, tc.want, name)
	}
	// Keycloak's route says so in OAuth's shape, as Keycloak does.
	res := f.do(request{method: http.MethodPost, path: kc, body: map[string]string{"username": code}})
	require.Equal(t, http.StatusUnsupportedMediaType, res.status, "Keycloak JSON: %s", res.body)
	var oe httpapi.OAuthError
	require.NoError(t, json.Unmarshal(res.body, &oe), "%s", res.body)
	assert.Equal(t, "invalid_request", oe.Error)
	assert.Contains(t, oe.ErrorDescription, "Content-Type: application/x-www-form-urlencoded")
}
