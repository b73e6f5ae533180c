package readiness_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint_url registered without its scheme is told so, not that it
// "uses \"\"".
func TestEndpointURLWithoutAScheme(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	p := rt.NewParticipant(t, op)
	target := p.Target()
	for raw, want := range map[string]string{
		"hcx.hospital.example/api":        "endpoint_url has no scheme (https://)",
		"http://hcx.hospital.example/api": `endpoint_url uses "http", not https`,
	} {
		target.EndpointURL = raw
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), target)
		res := requireFailure(t, rep, readiness.CheckEndpointURL, readiness.ProblemInvalidTarget, "https")
		assert.Equal(t, want, res.Message, raw)
		assert.Equal(t, 0, rep.Attempts)
	}
}
