package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/participant"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
)

func TestCallerWordsReadinessRefusals(t *testing.T) {
	ctx := context.Background()
	f, op := readinessFixture(t)
	a, tok, p := provisioned(t, f, op, "Wrong Key Regulator",
		readinesstest.WithHandlerKeys(participant.Keys{Encryption: readinesstest.RSAKey(5), Signing: readinesstest.RSAKey(6)}))
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	// Go-live refused on a failed check: the message should say what to do next.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live", auth: bearer(staffToken),
		body: json.RawMessage(`{"pilot_completed":true,"staff_trained":true}`)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	msg := res.envelope(t).Error.Message
	t.Log("go-live: ", msg)
	assert.Contains(t, msg, "/readiness", "names the route that checks again")
	assert.Contains(t, msg, "POST /v1/onboarding/applications/"+a.ID+"/readiness", "the route in full, with the application's id")
	assert.NotContains(t, msg, "…/", "no elided route")

	// Readiness on an ended application: no internal action name.
	a, tok = f.submit(f.regulator("Withdrawn Regulator"))
	a = f.approveReview(a)
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/withdraw", auth: bearer(tok),
		body: json.RawMessage(`{"reason":"changed our mind"}`)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	msg = res.envelope(t).Error.Message
	t.Log("readiness: ", msg)
	assert.False(t, strings.Contains(msg, "readiness checked"), "internal action name readiness_checked: %q", msg)
}

// The next step an out-of-order call names in the credentials stage is
// the readiness check whenever go-live waits on one, a passed check made
// for details since replaced included: not "staff confirm the go-live
// checklist", which go-live would refuse.
func TestCallerWordsNextStepNamesReadinessForStaleCheck(t *testing.T) {
	ctx := context.Background()
	f, op := readinessFixture(t)
	a, tok, _ := provisioned(t, f, op, "Moving Regulator")
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	a, err := f.svc.Application(ctx, a.ID)
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

// readinessFixture is a fixture whose engine requires a readiness check
// before go-live, with the operator the participants' handlers trust.
func readinessFixture(t *testing.T) (*fixture, *readinesstest.Operator) {
	t.Helper()
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	return newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})}), op
}

// provisioned is a regulator named name, reviewed, whose details are those
// of a participant served by op (with opts), provisioned: its
// application, applicant token and participant.
func provisioned(t *testing.T, f *fixture, op *readinesstest.Operator, name string, opts ...readinesstest.Option) (*onboarding.Application, string, *readinesstest.Participant) {
	t.Helper()
	ctx := context.Background()
	a, tok := f.submit(f.regulator(name))
	a = f.approveReview(a)
	p := readinesstest.NewParticipant(t, op, append([]readinesstest.Option{readinesstest.WithCode(a.Participant.ParticipantCode)}, opts...)...)
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	return a, tok, p
}
