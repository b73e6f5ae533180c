package readiness_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A registered certificate whose key the HCX cannot use (ECDSA for
// encryption, RSA of 1024 bits) fails with a hint saying what to register.
func TestUnusableCertificateKeyHasAHint(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	now := time.Now()
	c := op.Checker(t, rt.Client(t, p.Host))
	for name, cert := range map[string]string{
		"ecdsa":    rt.CertificatePEM(ec, "enc", now.Add(-time.Hour), now.Add(24*time.Hour)),
		"rsa-1024": rt.CertificatePEM(small, "enc", now.Add(-time.Hour), now.Add(24*time.Hour)),
	} {
		target := p.Target()
		target.EncryptionCert = cert
		res := result(t, c.Check(context.Background(), target), readiness.CheckEncryptionKey)
		require.Equal(t, readiness.Failed, res.Outcome, name)
		assert.Contains(t, res.Hint, "RSA key of 2048 or 4096 bits", name)
	}
}
