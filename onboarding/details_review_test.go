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

// A step-3 certificate is one PEM CERTIFICATE block and nothing after it:
// what is stored and published is what was checked. A private key pasted
// after the certificate is refused, saying so, and never stored.
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
		"a private key after it": {w.cert.valid + keyPEM, "private key"},
		"text after it":          {w.cert.valid + "<script>alert(1)</script>\n", "more than the certificate"},
		"a weak one after it":    {w.cert.valid + w.cert.weak, "more than the certificate"},
		"an expired one after":   {w.cert.valid + w.cert.expired, "more than the certificate"},
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
	// The certificate alone, with a trailing newline or two, is taken.
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryBSP))
	require.NoError(t, err)
	d := w.details("hcx.bsp-one.example")
	d.EncryptionCert = w.cert.valid + "\n\n"
	_, err = svc.SubmitDetails(ctx, a.ID, d)
	require.NoError(t, err)
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
