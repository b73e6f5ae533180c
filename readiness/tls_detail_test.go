package readiness_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The tls check's certificate_not_after is the endpoint certificate's
// expiry whenever the check saw that certificate: when it passed, and
// when it failed for the certificate's dates or host, so a console or a
// monitor reading the report's details sees when an expired certificate
// ran out, or when one the operator does not trust would.
func TestCheckTLSFailureCarriesTheCertificatesExpiry(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	now := time.Now().Truncate(time.Second)
	for name, tc := range map[string]struct {
		notBefore, notAfter time.Time
		host                string
		problem             readiness.Problem
	}{
		"expired":       {now.Add(-48 * time.Hour), now.Add(-24 * time.Hour), rt.Host, readiness.ProblemTLSCertificateExpired},
		"not yet valid": {now.Add(24 * time.Hour), now.Add(48 * time.Hour), rt.Host, readiness.ProblemTLSCertificateExpired},
		"other host":    {now.Add(-time.Hour), now.Add(72 * time.Hour), "other.example.org", readiness.ProblemTLSCertificateHost},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cert := rt.SharedCA().TLSCertificate(tc.notBefore, tc.notAfter, tc.host)
			leaf, err := x509.ParseCertificate(cert.Certificate[0])
			require.NoError(t, err)
			p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckTLS, tc.problem)
			require.NotNil(t, res.NotAfter, "%+v", res)
			assert.True(t, leaf.NotAfter.Equal(*res.NotAfter), "%v, want %v", res.NotAfter, leaf.NotAfter)
		})
	}
	t.Run("untrusted authority", func(t *testing.T) {
		t.Parallel()
		cert := rt.NewCA().TLSCertificate(now.Add(-time.Hour), now.Add(24*time.Hour), rt.Host)
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		require.NoError(t, err)
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSUntrusted)
		require.NotNil(t, res.NotAfter, "%+v", res)
		assert.True(t, leaf.NotAfter.Equal(*res.NotAfter))
	})
	t.Run("no TLS certificate seen", func(t *testing.T) {
		t.Parallel()
		p := rt.NewParticipant(t, op)
		p.Server.Close()
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckConnect, readiness.ProblemConnectionRefused)
		assert.Nil(t, res.NotAfter)
		assert.Equal(t, "skipped", outcomes(rep)[readiness.CheckTLS])
	})
}
