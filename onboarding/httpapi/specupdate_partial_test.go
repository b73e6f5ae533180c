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

// participant/update changes what it is given: a participant that only
// rotates its encryption certificate sends that alone, and what it leaves
// out (the endpoint, the signing certificate) stays registered.
func TestSpecUpdateChangesOnlyWhatItIsGiven(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Rotating Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	body := map[string]string{
		"participant_code": code,
		"encryption_cert":  validDetails(t).EncryptionCert,
		"step_up_code":     f.out.lastCode(a.ID),
	}
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: body})
	require.Equal(t, http.StatusOK, res.status, "certificate-only update: %s", res.body)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "https://hcx.participant.example/v0.9", got.Participant.EndpointURL, "the endpoint not sent is kept")
}

// The same rule seen from the other side: an update that does not mention
// signing_cert_path must leave the registered signing certificate alone.
func TestSpecUpdateKeepsTheSigningCertificate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Signing Regulator")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	d := validDetails(t)
	update := func(b httpapi.SpecUpdateRequest) {
		t.Helper()
		_, err := f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
		require.NoError(t, err)
		b.StepUpCode = f.out.lastCode(a.ID)
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: b})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	}
	// Register a signing certificate, then move the endpoint only.
	update(httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: d.EndpointURL, EncryptionCert: d.EncryptionCert, SigningCertPath: &d.EncryptionCert})
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	require.NotEmpty(t, got.Participant.SigningCertPath)
	update(httpapi.SpecUpdateRequest{ParticipantCode: code, EndpointURL: "https://hcx2.participant.example/v0.9", EncryptionCert: d.EncryptionCert})
	got, err = f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, got.Participant.SigningCertPath, "signing_cert_path was not in the update, yet it was erased")
	assert.NotZero(t, got.Participant.SigningCertExpiry, "signing cert expiry erased")
}

// hcx-interop.md §4: "Records also carry the Sunbird RC id osid and
// osOwner, and the platform searches by osid." Under ProfilePlatform the
// records carry osid; a search by it must find the record.
