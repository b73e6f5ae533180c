package readiness_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint that sends its status and headers at once and then takes
// longer than the operator's timeout to send the body timed out: the
// report says so, with the timeout's hint, not that something other than
// the handler answered.
func TestSlowAnswerBodyIsATimeout(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	slow := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select { // the body comes after the operator's timeout
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(slow))
	c := op.Checker(t, rt.Client(t, p.Host), readiness.WithTimeout(time.Second), readiness.WithRetries(0, time.Millisecond))
	res := result(t, c.Check(context.Background(), p.Target()), readiness.CheckHTTP)
	require.Equal(t, readiness.Failed, res.Outcome)
	assert.Equal(t, readiness.ProblemTimeout, res.Problem, res.Message)
	assert.NotContains(t, res.Hint, "Something other than the readiness handler answers")
}
