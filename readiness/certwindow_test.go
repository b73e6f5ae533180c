package readiness_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
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

// chainVia returns a TLS certificate for host, valid now, issued by an
// intermediate CA valid from notBefore to notAfter that the shared test
// CA issued; the server sends both, as servers send their chain.
func chainVia(t *testing.T, notBefore, notAfter time.Time, host string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	ca := rt.SharedCA()
	ikey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	itmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "Test Intermediate R7"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	ider, err := x509.CreateCertificate(rand.Reader, itmpl, ca.Cert, ikey.Public(), ca.Key)
	require.NoError(t, err)
	icert, err := x509.ParseCertificate(ider)
	require.NoError(t, err)
	lkey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	now := time.Now()
	ltmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano() + 1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	lder, err := x509.CreateCertificate(rand.Reader, ltmpl, icert, lkey.Public(), ikey)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{lder, ider}, PrivateKey: lkey}, icert
}

// An endpoint whose own certificate is valid but whose server sends an
// intermediate certificate outside its dates is not told that its
// certificate expired or is not valid yet, nor to renew it: the report
// names the intermediate and its dates and asks for the CA's current
// chain.
func TestTLSIntermediateOutsideItsDatesIsNamed(t *testing.T) {
	t.Parallel()
	now := time.Now()
	op := rt.NewOperator(1)

	t.Run("expired intermediate", func(t *testing.T) {
		t.Parallel()
		cert, inter := chainVia(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour), rt.Host)
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "intermediate", "chain", rt.Host)
		assert.Contains(t, res.Message, "intermediate certificate")
		assert.Contains(t, res.Message, "Test Intermediate R7")
		assert.Contains(t, res.Message, "expired on "+inter.NotAfter.UTC().Format("2006-01-02"))
		assert.NotContains(t, res.Hint, "Renew the TLS certificate of")
		assert.NotContains(t, res.Hint, "not valid until")
	})
	t.Run("intermediate not valid yet", func(t *testing.T) {
		t.Parallel()
		cert, inter := chainVia(t, now.Add(24*time.Hour), now.Add(48*time.Hour), rt.Host)
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		nb := moment(inter.NotBefore)
		res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "intermediate", "chain", nb)
		assert.Contains(t, res.Message, "intermediate certificate")
		assert.Contains(t, res.Message, "not valid until "+nb)
		assert.NotContains(t, res.Hint, "The TLS certificate of "+rt.Host+" is not valid until")
		assert.NotContains(t, res.Hint, "Renew")
	})
	t.Run("intermediate within its dates", func(t *testing.T) {
		t.Parallel()
		cert, _ := chainVia(t, now.Add(-24*time.Hour), now.Add(48*time.Hour), rt.Host)
		p := rt.NewParticipant(t, op, rt.WithServerCertificate(cert))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		require.True(t, rep.Ready, "%v", outcomes(rep))
	})
}

// A chain that leads to a root the operator's client holds but that has
// expired is named as such, not as the server's certificate.
func TestTLSExpiredRootIsNamed(t *testing.T) {
	t.Parallel()
	now := time.Now()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Old Test Root"},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	root, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ca := &rt.CA{Cert: root, Key: key, Pool: x509.NewCertPool()}
	ca.Pool.AddCert(root)
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithServerCertificate(ca.TLSCertificate(now.Add(-time.Hour), now.Add(24*time.Hour), rt.Host)))
	addr := p.Server.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool},
	}}
	rep := op.Checker(t, client).Check(context.Background(), p.Target())
	res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateExpired, "certificate authority", "Old Test Root", "full chain")
	assert.Contains(t, res.Message, "expired on "+root.NotAfter.UTC().Format("2006-01-02"))
	assert.NotContains(t, res.Hint, "Renew the TLS certificate of")
}
