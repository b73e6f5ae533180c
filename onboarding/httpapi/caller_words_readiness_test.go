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
	op := readinesstest.NewOperator(11)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})})
	ctx := context.Background()
	a, tok := f.submit(f.regulator("Wrong Key Regulator"))
	a = f.approveReview(a)
	p := readinesstest.NewParticipant(t, op, readinesstest.WithCode(a.Participant.ParticipantCode),
		readinesstest.WithHandlerKeys(participant.Keys{Encryption: readinesstest.RSAKey(5), Signing: readinesstest.RSAKey(6)}))
	a, err := f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
	require.NoError(t, err)
	_, err = f.svc.Provision(ctx, a.ID)
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/applications/" + a.ID + "/readiness", auth: bearer(tok)})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)

	// Go-live refused on a failed check: the message should say what to do next.
	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/go-live", auth: bearer(staffToken),
		body: json.RawMessage(`{"pilot_completed":true,"staff_trained":true}`)})
	require.Equal(t, http.StatusConflict, res.status, "%s", res.body)
	msg := res.envelope(t).Error.Message
	t.Log("go-live: ", msg)
	assert.Contains(t, msg, "/readiness", "names the route that checks again")

	// Readiness on an ended application: no internal action name.
	a, tok = f.submit(f.regulator("Withdrawn Regulator"))
	a = f.approveReview(a)
	a, err = f.svc.SubmitDetails(ctx, a.ID, onboarding.Details{EndpointURL: p.EndpointURL, EncryptionCert: p.EncryptionCert, SigningCertPath: p.SigningCert})
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
