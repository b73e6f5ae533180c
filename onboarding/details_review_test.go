package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A step-3 certificate is the participant's PEM CERTIFICATE, and its chain
// if given; a private key in it is refused, saying so, and never stored,
// and a pasted value (stored and published as given) holds no text
// besides its PEM blocks.
func TestCertificateIsTheCertificateAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	for name, tc := range map[string]struct {
		value, reason string
	}{
		"a private key after it":         {w.cert.valid + keyPEM, "private key"},
		"a private key after its chain":  {w.cert.valid + w.cert.weak + keyPEM, "private key"},
		"text after it":                  {w.cert.valid + "<script>alert(1)</script>\n", "text after the certificate"},
		"text between it and its chain":  {w.cert.valid + "<script>alert(1)</script>\n" + w.cert.weak, "text after the certificate"},
		"another kind of block after it": {w.cert.valid + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", "X509 CRL"},
		"text before it":                 {"issuer=CN=x\n" + w.cert.valid, "neither a PEM certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			svc := w.service(registry.NewMemoryStore())
			a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
			require.NoError(t, err)
			d := w.details("hcx.bsp-one.example")
			d.EncryptionCert = tc.value
			_, err = svc.SubmitDetails(ctx, a.ID, d)
			var de *onboarding.DetailsError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, onboarding.FieldEncryptionCert, de.Field)
			assert.Contains(t, de.Error(), tc.reason)
			got, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			if got.Participant != nil {
				assert.NotContains(t, got.Participant.EncryptionCert, "PRIVATE KEY")
			}
		})
	}
	// The certificate alone, or followed by its chain as a certificate
	// authority issues it, is taken.
	for _, v := range []string{w.cert.valid + "\n\n", w.cert.valid + w.cert.weak, w.cert.valid + "\n" + w.cert.expired + "\n"} {
		svc := w.service(registry.NewMemoryStore())
		a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
		require.NoError(t, err)
		d := w.details("hcx.bsp-one.example")
		d.EncryptionCert = v
		_, err = svc.SubmitDetails(ctx, a.ID, d)
		require.NoError(t, err)
	}
}

// The HCX's own URL, denied as an endpoint, is denied however its path is
// written: percent-encoded, or with dot segments.
func TestDeniedEndpointHoweverWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for _, ep := range []string{
		"https://gateway.hcxtest.example/%61pi/v0.9/coverageeligibility",
		"https://gateway.hcxtest.example/%61%70%69",
		"https://gateway.hcxtest.example/x/../api/v0.9",
		"https://gateway.hcxtest.example//api",
	} {
		svc := w.service(registry.NewMemoryStore())
		a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
		require.NoError(t, err)
		d := w.details("hcx.bsp-one.example")
		d.EndpointURL = ep
		_, err = svc.SubmitDetails(ctx, a.ID, d)
		var de *onboarding.DetailsError
		require.ErrorAs(t, err, &de, ep)
		assert.Equal(t, onboarding.FieldEndpointURL, de.Field, ep)
	}
}
