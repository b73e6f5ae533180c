package readiness_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The dns check of an endpoint_url that names its host by an address
// passes without claiming that a name resolved: there was no name to
// resolve. A host name is said to resolve.
func TestDNSCheckOfAnAddressSaysNothingWasResolved(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for host, want := range map[string]string{
		"127.0.0.1":            "127.0.0.1 is an IP address: there is no name to resolve",
		"hospital.example.com": "hospital.example.com resolves",
	} {
		t.Run(host, func(t *testing.T) {
			t.Parallel()
			p := rt.NewParticipant(t, op, rt.WithHost(host))
			rep := op.Checker(t, rt.Client(t, host)).Check(context.Background(), p.Target())
			require.True(t, rep.Ready, "%v", outcomes(rep))
			assert.Equal(t, want, result(t, rep, readiness.CheckDNS).Message)
		})
	}
}
