package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No package prefix reaches a caller: not in an amendment's refusal, not
// on the console's page for an unknown participant.
func TestWordsNoPackagePrefixOnAmendAndConsole(t *testing.T) {
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Some Regulator Of India"))
	_, err := f.svc.SendBack(context.Background(), a.ID, "staff:asha", "fix the roles")
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID,
		body: `{"roles":["nope"]}`, auth: bearer(tok)})
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	assert.NotContains(t, res.envelope(t).Error.Message, "hcxonboard:")

	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv)
	b.login(staffToken)
	pg := b.get("/console/participants/nope@hcx")
	require.Equal(t, http.StatusNotFound, pg.status)
	assert.NotContains(t, pg.body, "onboarding: not found")
}

// An empty or is no condition (registry.Condition): beside an operator on
// roles read in every spelling it is not taken for an or, and the payer
// is found.
func TestWordsEmptyOrBesideRewrittenRoleOperator(t *testing.T) {
	f := newFixture(t)
	creds, _ := f.livePayer()
	for _, cond := range []string{`{"or":[],"contains":"pay"}`, `{"or":[],"contains":"payor"}`, `{"or":[],"startsWith":"10002"}`} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: staffAuth,
			body: `{"filters":{"roles":` + cond + `}}`})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", cond, res.body)
		assert.Contains(t, string(res.body), creds.ParticipantCode, cond)
	}
}
