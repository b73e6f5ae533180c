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

// The operator's step 3 (onboarding.Service.SubmitDetails) refuses a
// signing_cert_path whose key is not RSA: "has an ECDSA key; an RSA key is
// required". The self-test does not tell the participant it is READY with
// such a certificate: the operator would refuse to register it.
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

// The operator refuses an encryption_cert that holds a private key ("never
// send a private key") or text before the certificate; so does the
// self-test, for a participant who points it at its combined
// key+certificate PEM.
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

// A pasted certificate is judged as the operator's step 3 judges it:
// text after it, or a PEM block other than a chain certificate, is
// refused; its chain is welcome.
func TestSelfTestJudgesWhatFollowsTheCertificateAsTheOperatorDoes(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		after string
		ready bool
	}{
		"its chain":             {after: "", ready: true},
		"text after it":         {after: "issued by our CA, keep safe\n", ready: false},
		"another kind of block": {after: string(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}})), ready: false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSelfTest(t)
			value := s.p.EncryptionCert
			if tt.ready {
				value += s.p.EncryptionCert // a chain certificate: any valid one will do
			} else {
				value += tt.after
			}
			require.NoError(t, os.WriteFile(s.enc, []byte(value), 0o600))
			code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
			if tt.ready {
				require.Equal(t, exitReady, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			} else {
				require.NotEqual(t, exitReady, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			}
		})
	}
}
