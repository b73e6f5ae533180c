package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// e39276e: "the package prefix 'hcxonboard:' reached callers". It still
// does on PATCH (amend.go:55 builds an apiError from err.Error(), which
// never passes callerWords), and the console's participant look-up shows
// "onboarding:" (errors.go:102, participantCodeError).
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

// e39276e: the next step an out-of-order call names in the credentials
// stage must be the readiness check whenever go-live waits on one; a
// passed check made for details since replaced still says "staff confirm
// the go-live checklist", which go-live then refuses.
func TestWordsNextStepNamesReadinessForStaleCheck(t *testing.T) {
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})})
	ctx := context.Background()
	a, tok := f.submit(f.regulator("Moving Regulator"))
	a = f.approveReview(a)
	p := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	a, err = f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.True(t, a.Readiness.Report.Ready)

	// The participant moves its endpoint: the passed check is for other details.
	p2 := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode))
	_, err = f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p2.EndpointURL, EncryptionCert: p2.EncryptionCert, SigningCertPath: p2.SigningCert})
	require.NoError(t, err)

	res = f.do(request{method: http.MethodPatch, path: "/v1/onboarding/applications/" + a.ID, body: `{"participant_name":"X"}`, auth: bearer(tok)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	next := res.envelope(t).Error.Message

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live", auth: bearer(staffToken),
		body: `{"pilot_completed":true,"staff_trained":true}`})
	require.Equal(t, http.StatusConflict, res.status, "go-live waits on a new check: %s", res.body)
	assert.Contains(t, next, "/readiness", "the next step named is the one go-live waits on")
}

// 44bac0f: an empty or is no condition (registry: len(c.Or) > 0), yet
// beside an operator read in every spelling it is now refused as "an or
// already". contains "pay" with the same empty or finds the payer.
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
