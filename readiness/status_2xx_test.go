package readiness_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// statusWriter answers with status instead of the handler's 200.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w statusWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		code = w.status
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w statusWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// An endpoint whose framework answers HCX calls 202 Accepted (as the HCX
// protocol's endpoints do) may answer the challenge so too: the answer is
// judged by what it proves, not by which success status carries it. A
// success status without the handler's answer is still no answer.
func TestAnswerUnderAnotherSuccessStatus(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for _, status := range []int{http.StatusAccepted, http.StatusCreated} {
		with := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(statusWriter{w, status}, r)
			})
		}
		p := rt.NewParticipant(t, op, rt.WithMiddleware(with))
		rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
		require.True(t, rep.Ready, "HTTP %d: %v", status, rep.Failures())
		assert.Equal(t, "passed", outcomes(rep)[readiness.CheckChallenge])
	}

	for name, answer := range map[string]func(http.ResponseWriter){
		"202 with another body": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"timestamp":1,"correlation_id":"x"}`))
		},
		"204": func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			with := func(http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(w) })
			}
			p := rt.NewParticipant(t, op, rt.WithMiddleware(with))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			requireFailure(t, rep, readiness.CheckHTTP, readiness.ProblemBadAnswer)
		})
	}
}
