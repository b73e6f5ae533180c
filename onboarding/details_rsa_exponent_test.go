package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A certificate whose RSA key x509 parses but no one can encrypt to (an
// even exponent) is refused at step 3, naming the field: counterparties
// could never send the participant anything.
func TestDetailsRefuseAnUnusableRSAKey(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	a, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)

	signer, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	bad := &rsa.PublicKey{N: new(big.Int).Set(signer.N), E: 65538}
	now := w.clock.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "even exponent"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, bad, signer)
	require.NoError(t, err)

	d := w.details("hcx.suraksha.example")
	d.EncryptionCert = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	var de *onboarding.DetailsError
	require.ErrorAs(t, err, &de)
	require.Equal(t, onboarding.FieldEncryptionCert, de.Field)
	require.Contains(t, de.Reason, "exponent")

	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err, "a usable key is taken")
}
