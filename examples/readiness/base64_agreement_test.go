package main

import (
	"encoding/base64"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The NHCX form of encryption_cert is the base64 of the PEM. The
// operator's step 3 (onboarding.readCertificate, parseCertificate) judges
// the decoded PEM as pasted: text before or after the certificate is
// refused ("holds text before the certificate"). openssl pkcs12 writes
// "Bag Attributes" before the PEM, and that is what many participants
// encode. The self-test must not say READY for a value the operator
// refuses to register.
func TestSelfTestJudgesBase64CertificatesAsTheOperatorDoes(t *testing.T) {
	t.Parallel()
	for name, wrap := range map[string]func(pem string) string{
		"text before": func(pem string) string {
			return "Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = hospital\nissuer=CN = hospital\n" + pem
		},
		"text after": func(pem string) string { return pem + "issued by our CA, keep safe\n" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSelfTest(t)
			value := base64.StdEncoding.EncodeToString([]byte(wrap(s.p.EncryptionCert)))
			require.NoError(t, os.WriteFile(s.enc, []byte(value), 0o600))
			code, out, errOut := runArgs(t, "", s.args("-jwks-out", s.jwks)...)
			require.NotEqual(t, exitReady, code,
				"the self-test says READY for a base64 encryption_cert the operator's SubmitDetails refuses\nstdout:\n%s\nstderr:\n%s", out, errOut)
		})
	}
}
