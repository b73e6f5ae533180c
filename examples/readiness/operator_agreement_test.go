package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The operator's step 3 (onboarding.Service.SubmitDetails →
// parseCertificate, onboarding/details.go:446) refuses a signing_cert_path
// whose key is not RSA: "has a ECDSA key; an RSA key is required". The
// self-test must not tell the participant it is READY with such a
// certificate: the operator will refuse to register it.
func TestSelfTestRefusesAnECDSASigningCertAsTheOperatorDoes(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	s := newSelfTest(t, rt.WithHandlerKeys(participant.Keys{Encryption: rt.RSAKey(0), Signing: ec}))
	now := time.Now()
	s.sign = write(t, s.dir, "sign-ec.pem", rt.CertificatePEM(ec, s.p.Code+" signing", now.Add(-time.Hour), now.Add(365*24*time.Hour)))

	code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.NotEqual(t, exitReady, code,
		"the self-test says READY for an ECDSA signing certificate that the operator's SubmitDetails refuses (RSA required)\nstdout:\n%s\nstderr:\n%s", out, errOut)
}

// The operator refuses an encryption_cert that holds a private key
// (onboarding/details.go:427, "never send a private key") or text before
// the certificate (details.go:418). A participant who points the
// self-test at its combined key+certificate PEM is told READY.
func TestSelfTestRefusesACertWithItsPrivateKeyAsTheOperatorDoes(t *testing.T) {
	t.Parallel()
	s := newSelfTest(t)
	der, err := x509.MarshalPKCS8PrivateKey(rt.RSAKey(0))
	require.NoError(t, err)
	combined := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})) + s.p.EncryptionCert
	require.NoError(t, os.WriteFile(s.enc, []byte(combined), 0o600))

	code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
	require.NotEqual(t, exitReady, code,
		"the self-test says READY for an encryption_cert PEM that carries the private key, which the operator refuses\nstdout:\n%s\nstderr:\n%s", out, errOut)
}
