package readiness_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// moment is how the not-yet-valid hints name a certificate's start.
func moment(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func leaf(t *testing.T, c tls.Certificate) *x509.Certificate {
	t.Helper()
	x, err := x509.ParseCertificate(c.Certificate[0])
	require.NoError(t, err)
	return x
}

// An endpoint's TLS certificate that is not valid yet (issued with a clock
// ahead, or installed before its start) is not expired: renewing it is no
// advice. The report names the moment it becomes valid and points at the
// issuing CA's and the server's clocks; an expired one is still told to
// renew.
func TestTLSCertificateNotYetValidIsNotExpired(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ca := rt.SharedCA()
	expired := ca.TLSCertificate(now.Add(-48*time.Hour), now.Add(-24*time.Hour), rt.Host)
	early := ca.TLSCertificate(now.Add(24*time.Hour), now.Add(48*time.Hour), rt.Host)
	op := rt.NewOperator(1)

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(expired))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "Renew", rt.Host)
		assert.NotContains(t, res.Hint, "not valid until")
		assert.Contains(t, res.Message, "expired")
	})
	t.Run("not yet valid", func(t *testing.T) {
		t.Parallel()
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(early))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		nb := moment(leaf(t, early).NotBefore)
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired,
			"not valid until "+nb, rt.Host, "clock", "wait")
		assert.NotContains(t, res.Hint, "Renew")
		assert.Contains(t, res.Message, "not valid until "+nb)
		assert.NotContains(t, res.Message, "expired")
	})
}

// The handshake trusted the certificate, but the Checker's clock (its
// WithClock) puts the check outside the certificate's window: the same
// two cases, judged after the handshake.
func TestTLSCertificateWindowByCheckerClock(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cert := rt.SharedCA().TLSCertificate(now.Add(-time.Hour), now.Add(90*24*time.Hour), rt.Host)
	x := leaf(t, cert)
	op := rt.NewOperator(1)

	t.Run("clock after the window", func(t *testing.T) {
		t.Parallel()
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		late := func() time.Time { return now.Add(100 * 24 * time.Hour) }
		rep := op.Checker(t, rt.Client(t, p.Host), readiness.WithClock(late)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "Renew", rt.Host)
		assert.NotContains(t, res.Hint, "not valid until")
	})
	t.Run("clock before the window", func(t *testing.T) {
		t.Parallel()
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		early := func() time.Time { return now.Add(-2 * time.Hour) }
		rep := op.Checker(t, rt.Client(t, p.Host), readiness.WithClock(early)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired,
			"not valid until "+moment(x.NotBefore), rt.Host, "clock")
		assert.NotContains(t, res.Hint, "Renew")
	})
}

// A registered encryption or signing certificate that is not valid yet
// is not told to be renewed either.
func TestRegisteredCertificateNotYetValidIsNotExpired(t *testing.T) {
	t.Parallel()
	now := time.Now()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.EncryptionCert = rt.CertificatePEM(rt.RSAKey(0), "expired", now.Add(-48*time.Hour), now.Add(-time.Hour))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificateExpired, "Renew")
		assert.NotContains(t, res.Hint, "not valid until")
	})
	t.Run("not yet valid", func(t *testing.T) {
		t.Parallel()
		target := p.Target()
		target.SigningCert = rt.CertificatePEM(rt.RSAKey(1), "early", now.Add(24*time.Hour), now.Add(48*time.Hour))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		nb := moment(now.Add(24 * time.Hour).Truncate(time.Second))
		res := requireFailure(t, rep, readiness.CheckSigningKey, readiness.ProblemCertificateExpired,
			"not valid until "+nb, "signing", "clock")
		assert.NotContains(t, res.Hint, "Renew")
		assert.Contains(t, res.Message, "not valid until "+nb)
	})
}

// A client whose TLS configuration verifies at another time than the
// Checker's clock and the machine's refuses a certificate that is valid
// now by both: the report cannot tell expired from not yet valid, and
// says so rather than guess.
func TestTLSCertificateWindowByClientClockAlone(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	addr := p.Server.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			RootCAs: rt.SharedCA().Pool,
			Time:    func() time.Time { return time.Now().Add(200 * 24 * time.Hour) },
		},
	}}
	rep := op.Checker(t, client).Check(context.Background(), p.Target())
	res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "clocks", rt.Host, "renew", "wait")
	assert.Contains(t, res.Message, "not at the time it was checked")
}
