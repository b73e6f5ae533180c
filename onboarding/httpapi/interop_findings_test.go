package httpapi_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// hcx-interop.md §1: the Node SDK posts
// client_id=registry-frontend&username=…&password=…&grant_type=password to
// authBasePath, "the whole URL is the token endpoint"; §2: HCX v0.9's token
// endpoint is POST /participant/auth/token/generate. The SDK's own test
// configuration (integration-sdks javascript/tests/test.js) sets authBasePath
// to ".../v0.8/participant/auth/token/generate", and the reference platform's
// route (hcx-apis JWTController) takes any form fields. The SDK's body must
// therefore get a token on the specification's route too.
func TestInteropSDKTokenBodyOnSpecRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, secret := f.live("Insurance Regulatory Authority")
	body := "client_id=registry-frontend&username=" + url.QueryEscape("hcx@regulator.example") +
		"&password=" + url.QueryEscape(secret) + "&grant_type=password"
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
		contentType: "application/x-www-form-urlencoded", body: body})
	require.Equal(t, http.StatusOK, res.status, "the Node SDK's token request at authBasePath = {base}/participant/auth/token/generate: %s", res.body)
	var tok httpapi.SpecTokenResponse
	res.decode(t, &tok)
	assert.NotEmpty(t, tok.AccessToken)
}

// hcx-onboarding.md §2.1 (SPEC-0.9 registries table): scheme_code is
// "Optional (but mandatory for payers)", "default" meaning one entry covers
// all of the payer's schemes; §2.2: the platform schema's scheme_code
// defaults to "default"; §3.2: the platform sets scheme_code="default" for
// payor before create. A payer registered without a scheme code must not be
// served without one.
func TestInteropPayerRecordHasSchemeCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.submit(f.payer()) // the tests' payer gives no scheme code
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/read", auth: staffAuth,
		body: `{"participant_code":"` + a.Participant.ParticipantCode + `"}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var ans specAnswer
	res.decode(t, &ans)
	require.Len(t, ans.Participants, 1)
	assert.Equal(t, []any{"payer"}, ans.Participants[0]["roles"])
	assert.Equal(t, "default", ans.Participants[0]["scheme_code"], "a payer's record: %v", ans.Participants[0])
}

// hcx-onboarding.md §4.1: an expired JWT is ERR_ACCESS_DENIED; the
// reference platform's gateway (api-gateway handlers/ExceptionHandler:
// JWTVerificationException and TokenExpiredException → 401 UNAUTHORIZED)
// answers it 401, as RFC 6750 §3.1 does for invalid_token, and the
// handler's own classify maps credential.ErrInvalidToken to 401. A client
// that fetches a new token on 401 must get 401 for its expired token on the
// registry search, not 403.
func TestInteropExpiredTokenIs401(t *testing.T) {
	t.Parallel()
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	tokens, err := credential.NewTokens(key, credential.WithClock(func() time.Time { return *now.Load() }))
	require.NoError(t, err)
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithTokens(tokens)})
	a, secret := f.live("Insurance Regulatory Authority")
	tok, err := f.svc.Token(context.Background(), a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	search := func() response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.Value),
			body: `{"filters":{"participant_code":{"eq":"` + a.Participant.ParticipantCode + `"}}}`})
	}
	require.Equal(t, http.StatusOK, search().status, "the fresh token opens the search")

	later := start.Add(2 * time.Hour)
	now.Store(&later)
	res := search()
	assert.Equal(t, httpapi.CodeAccessDenied, res.envelope(t).Error.Code)
	assert.Equal(t, http.StatusUnauthorized, res.status, "an expired token: %s", res.body)
}
