package readiness_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The challenge goes to the endpoint_url as registered, with Path
// appended: an escaped character in its path (an API gateway's %2F) is
// sent escaped, as the HCX's own calls to that URL send it, not decoded
// into another path.
func TestChallengeKeepsTheEndpointPathAsRegistered(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	const host = "gateway.example.com"
	var mu sync.Mutex
	var paths []string
	base := rt.Serve(t, host, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.EscapedPath())
		mu.Unlock()
		if r.URL.EscapedPath() != "/tenants%2Fhosp/api"+readiness.Path {
			http.NotFound(w, r)
			return
		}
		p.Handler.ServeHTTP(w, r)
	}))
	target := p.Target()
	target.EndpointURL = base + "/tenants%2Fhosp/api/"
	rep := op.Checker(t, rt.Client(t, host)).Check(context.Background(), target)
	require.True(t, rep.Ready, "%v; paths requested: %v", outcomes(rep), paths)
	assert.Equal(t, base+"/tenants%2Fhosp/api"+readiness.Path, rep.URL)
}
