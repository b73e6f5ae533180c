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

// A live participant moves its endpoint through the specification's
// participant/update, with its own token and a step-up code; nobody else
// may, and not without the code.
func TestSpecParticipantUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Updating Regulator")
	other, otherSecret := f.live("Other Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	otherTok, err := f.svc.Token(ctx, other.Participant.ParticipantCode, otherSecret)
	require.NoError(t, err)
	d := validDetails(t)
	body := httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx2.regulator.example/v0.9", EncryptionCert: d.EncryptionCert}
	update := func(tok string, b httpapi.SpecUpdateRequest) response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok), body: b})
	}

	assert.Equal(t, http.StatusForbidden, update(otherTok.Value, body).status, "another participant's token")
	res := update(tok.Value, body)
	require.Equal(t, http.StatusBadRequest, res.status, "no step-up code: %s", res.body)
	assert.Equal(t, httpapi.CodeInvalidOTP, res.envelope(t).Error.Code)

	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	body.StepUpCode = f.out.lastCode(a.ID)
	res = update(tok.Value, body)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Contains(t, string(res.body), "https://hcx2.regulator.example/v0.9")
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://hcx2.regulator.example/v0.9", got.Participant.EndpointURL)
}
