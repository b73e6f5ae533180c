package readiness_test

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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A registered encryption_cert whose RSA public key cannot be encrypted
// to (an even public exponent: x509 parses it, crypto/rsa refuses it) is
// the participant's problem, not the operator's; and the endpoint is
// still checked.
func TestUnusableRSAKeyIsTheParticipantsProblem(t *testing.T) {
	op := rt.NewOperator(21)
	p := rt.NewParticipant(t, op)

	good := rt.RSAKey(0)
	bad := &rsa.PublicKey{N: new(big.Int).Set(good.N), E: 65538} // even exponent
	ca := rt.SharedCA()
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: p.Code + " encryption"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, bad, ca.Key)
	require.NoError(t, err)
	target := p.Target()
	target.EncryptionCert = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))

	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
	require.False(t, rep.Ready)
	t.Logf("%s", rep.Summary())
	for _, c := range rep.Checks {
		t.Logf("%s %s %s | %s | %s", c.Check, c.Outcome, c.Problem, c.Message, c.Hint)
	}
	enc, _ := rep.Result(readiness.CheckEncryptionKey)
	assert.Equal(t, readiness.Failed, enc.Outcome, "encryption_key names the unusable certificate")
	ch, _ := rep.Result(readiness.CheckChallenge)
	assert.NotEqual(t, readiness.ProblemOperator, ch.Problem, "the operator is not at fault")
	h, _ := rep.Result(readiness.CheckHTTP)
	assert.Equal(t, readiness.Passed, h.Outcome, "the endpoint is still checked")
}
