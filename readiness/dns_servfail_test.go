package readiness_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/safefetch"
)

// A host whose name servers fail (SERVFAIL: a lame delegation, broken
// DNSSEC) may have its records published all along: it is not told to
// publish them, but to look at its name servers, and the attempt is
// retried as a failure that may pass. A name that does not exist is told
// to publish its records, and is not retried. Through the operator's
// client (safefetch) and through any other.
func TestCheckTellsAFailingNameServerFromAMissingName(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	dnsErr := func(host string, notFound bool) error {
		if notFound {
			return &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return &net.DNSError{Err: "server misbehaving", Name: host, Server: "192.0.2.53:53", IsTemporary: true}
	}
	clients := map[string]func(t *testing.T, notFound bool) *http.Client{
		"safefetch": func(t *testing.T, notFound bool) *http.Client {
			f, err := safefetch.New(safefetch.WithResolver(safefetch.ResolverFunc(func(_ context.Context, _, host string) ([]netip.Addr, error) {
				return nil, dnsErr(host, notFound)
			})))
			require.NoError(t, err)
			return f.Client()
		},
		"another client": func(_ *testing.T, notFound bool) *http.Client {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.DialContext = func(_ context.Context, _, addr string) (net.Conn, error) {
				host, _, _ := net.SplitHostPort(addr)
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: dnsErr(host, notFound)}
			}
			return &http.Client{Transport: tr}
		},
	}
	for name, client := range clients {
		t.Run(name+", SERVFAIL", func(t *testing.T) {
			t.Parallel()
			rep := op.Checker(t, client(t, false)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckDNS, readiness.ProblemDNS, p.Host, "name servers")
			assert.NotContains(t, res.Hint, "Publish an A or AAAA record")
			assert.NotContains(t, res.Message, "192.0.2.53", "no addresses in messages")
			assert.Equal(t, 2, rep.Attempts, "a name server's failure may pass: it is retried")
		})
		t.Run(name+", no such name", func(t *testing.T) {
			t.Parallel()
			rep := op.Checker(t, client(t, true)).Check(context.Background(), p.Target())
			requireFailure(t, rep, readiness.CheckDNS, readiness.ProblemDNS, "Publish an A or AAAA record for "+p.Host)
			assert.Equal(t, 1, rep.Attempts, "a name that does not exist is not retried")
		})
	}
}
