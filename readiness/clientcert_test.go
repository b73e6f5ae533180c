package readiness_test

import (
	"context"
	"crypto/tls"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint that demands a client certificate (mutual TLS) refuses
// every call of the HCX, which presents none. The TLS 1.3 alert says so
// (116, certificate required), and the message and hint say that the
// client certificate is the matter, not the server's own; under TLS
// 1.2 the alert is a bare handshake failure, and the hint names client
// certificates among its causes.
func TestEndpointRequiringAClientCertificateIsNamed(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for _, tc := range []struct {
		name    string
		version uint16
		message string
	}{
		{"TLS 1.3", tls.VersionTLS13, "client certificate"},
		{"TLS 1.2", tls.VersionTLS12, "alert 40"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, rt.WithTLSConfig(func(c *tls.Config) {
				c.ClientAuth = tls.RequireAnyClientCert
				c.MinVersion, c.MaxVersion = tc.version, tc.version
			}))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSHandshake, "client certificate", p.Host)
			assert.Contains(t, res.Message, tc.message)
		})
	}
}
