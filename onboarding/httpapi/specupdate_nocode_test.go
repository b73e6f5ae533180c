package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// The specification requires participant_code in participant/update: a
// request without it is a bad request (400 ERR_INVALID_PARTICIPANT_CODE),
// not a refused caller, whose token is valid.
func TestSpecUpdateWithoutParticipantCodeIs400(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Updating Regulator")
	tok, err := f.svc.Token(ctx, a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	for name, body := range map[string]string{
		"no participant_code":    `{"endpoint_url":"https://hcx2.regulator.example/v0.9","step_up_code":"` + f.out.lastCode(a.ID) + `"}`,
		"empty participant_code": `{"participant_code":"","endpoint_url":"https://hcx2.regulator.example/v0.9"}`,
		"empty body":             `{}`,
	} {
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: body})
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", name, res.body)
		assert.Equal(t, httpapi.CodeInvalidParticipantCode, res.envelope(t).Error.Code, "%s: the caller's token is valid: %s", name, res.body)
	}
	// Another participant's code is still refused as not the caller's.
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value),
		body: `{"participant_code":"someone-else@hcx","endpoint_url":"https://hcx2.regulator.example/v0.9"}`})
	assert.Equal(t, http.StatusForbidden, res.status, "%s", res.body)
}
