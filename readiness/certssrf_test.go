package readiness_test

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A registered certificate given as a URL is fetched through the
// operator's client, so it cannot point the operator inside its own
// network: neither directly (a name resolving to a non-public address)
// nor through a redirect from a public host to such a name. The
// certificate fails, with a message that names no address, and the
// endpoint's own checks still run.
func TestCertificateURLCannotReachTheOperatorsNetwork(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	var hits atomic.Int32
	internal := http.NewServeMux()
	internal.HandleFunc("/enc.pem", func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, p.EncryptionCert)
	})
	internalBase := rt.Serve(t, "metadata.internal.example", internal)
	public := http.NewServeMux()
	public.HandleFunc("/enc.pem", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internalBase+"/enc.pem", http.StatusFound)
	})
	publicBase := rt.Serve(t, "certs.example.com", public)

	for name, url := range map[string]string{
		"direct":           internalBase + "/enc.pem",
		"after a redirect": publicBase + "/enc.pem",
	} {
		t.Run(name, func(t *testing.T) {
			target := p.Target()
			target.EncryptionCert = url
			// Only the endpoint's host and the public certificate host are
			// let through to the loopback address tests serve on.
			rep := op.Checker(t, rt.Client(t, p.Host, "certs.example.com")).Check(context.Background(), target)
			res := requireFailure(t, rep, readiness.CheckEncryptionKey, readiness.ProblemCertificate, "https URL")
			assert.Contains(t, res.Message, "not a public internet address")
			assert.NotContains(t, res.Message, "127.0.0.1")
			assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge], "the endpoint is checked all the same")
		})
	}
	require.Zero(t, hits.Load(), "the internal host was never reached")
}
