package readiness_test

import (
	"context"
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A hospital registers its endpoint_url under an internationalised domain
// name (e.g. a .भारत domain). X.509 certificates can only name the
// punycode (A-label) form, and Go's TLS handshake verifies that form and
// succeeds; the report must not then say the certificate is not for the
// host.
func TestInternationalisedHostPassesTLS(t *testing.T) {
	t.Parallel()
	const ascii = "xn--bcher-kva.example" // bücher.example
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op, rt.WithHost(ascii))
	u, err := url.Parse(p.EndpointURL)
	require.NoError(t, err)
	target := p.Target()
	target.EndpointURL = "https://" + net.JoinHostPort("bücher.example", u.Port()) + rt.BasePath

	rep := op.Checker(t, rt.Client(t, ascii)).Check(context.Background(), target)

	res, ok := rep.Result(readiness.CheckTLS)
	require.True(t, ok)
	require.Equal(t, readiness.Passed, res.Outcome, "tls: %s (%s)", res.Message, res.Problem)
	require.True(t, rep.Ready, rep.Summary())
}
