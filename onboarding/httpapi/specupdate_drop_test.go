package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

func shortLivedCert(t *testing.T, notAfter time.Time) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "signing.participant.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// signing_cert_path is optional: a participant whose signing certificate
// expired (or whose signing-certificate URL went away) removes it by
// giving it empty, and its other changes go through; left out, it is kept,
// and the expired certificate refuses the update.
func TestSpecUpdateCanDropAnExpiredSigningCertificate(t *testing.T) {
	t.Parallel()
	clk := &movableClock{t: time.Now()}
	f := newFixtureWith(t, []onboarding.Option{onboarding.WithClock(clk.now)})
	ctx := context.Background()
	a, secret := f.live("Expiring Signer")
	code := a.Participant.ParticipantCode
	d := validDetails(t)

	// Register a signing certificate that lives two days.
	_, err := f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	d2 := d
	d2.SigningCertPath = shortLivedCert(t, time.Now().Add(48*time.Hour))
	d2.StepUpCode = f.out.lastCode(a.ID)
	_, err = f.svc.SubmitDetails(ctx, a.ID, d2)
	require.NoError(t, err)

	// Three days on it has expired; the participant drops it, sending its
	// record without signing_cert_path.
	clk.add(72 * time.Hour)
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	kept := httpapi.SpecUpdateRequest{ParticipantCode: code, EncryptionCert: d.EncryptionCert, StepUpCode: f.out.lastCode(a.ID)}
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: kept})
	require.Equal(t, http.StatusBadRequest, res.status, "left out, the expired signing certificate is kept, and checked: %s", res.body)
	assert.Contains(t, string(res.body), "signing_cert_path: expired")

	_, err = f.svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDetails)
	require.NoError(t, err)
	none := ""
	body := httpapi.SpecUpdateRequest{ParticipantCode: code, EncryptionCert: d.EncryptionCert, SigningCertPath: &none,
		StepUpCode: f.out.lastCode(a.ID)}
	res = f.do(request{method: http.MethodPost, path: "/v0.9/participant/update", auth: bearer(tok.Value), body: body})
	require.Equal(t, http.StatusOK, res.status, "update without the expired signing certificate refused: %s", res.body)
	got, err := f.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Participant.SigningCertPath)
}
