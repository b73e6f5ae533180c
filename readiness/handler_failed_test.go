package readiness_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The participant's handler fails inside (its shared replay cache, a
// Redis, is down): it answers 500 {"error":"internal"}. The hint sends
// the engineer to the endpoint's own failure, not to a malformed
// challenge or an out-of-date handler.
func TestHandlerInternalFailureHint(t *testing.T) {
	op := rt.NewOperator(41)
	down := participant.ReplayCacheFunc(func(context.Context, string, time.Time) (bool, error) {
		return false, errors.New("redis: connection refused")
	})
	p := rt.NewParticipant(t, op, rt.WithHandlerOptions(participant.WithReplayCache(down)))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	require.False(t, rep.Ready)
	ch, _ := rep.Result(readiness.CheckChallenge)
	t.Logf("%s %s | %s | %s", ch.Outcome, ch.Problem, ch.Message, ch.Hint)
	require.Equal(t, readiness.Failed, ch.Outcome)
	assert.NotContains(t, ch.Hint, "malformed", "the challenge was well-formed; the endpoint failed")
	assert.NotContains(t, ch.Hint, "update it to the current version")
	assert.Equal(t, readiness.ProblemHandlerFailed, ch.Problem)
	assert.Contains(t, ch.Hint, "look in its logs")
}
