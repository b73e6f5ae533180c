package readiness_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A TLS certificate issued for other names than the endpoint's host is
// named with every name it holds, IP addresses among them: a certificate
// for an address alone is not described as issued for nothing.
func TestCertificateHostMessageNamesItsAddresses(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	now := time.Now()
	for name, tc := range map[string]struct {
		names []string
		want  string
	}{
		"an address":            {[]string{"127.0.0.2"}, "but for [127.0.0.2]"},
		"a name and an address": {[]string{"other.example.org", "127.0.0.2"}, "but for [other.example.org 127.0.0.2]"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, rt.WithServerCertificate(rt.SharedCA().TLSCertificate(now.Add(-time.Hour), now.Add(time.Hour), tc.names...)))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckTLS, readiness.ProblemTLSCertificateHost, p.Host)
			assert.Contains(t, res.Message, tc.want)
		})
	}
}
