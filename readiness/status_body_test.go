package readiness_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An endpoint that refuses the challenge with a JSON error of its own
// (a readiness handler written without package participant, a gateway
// that speaks JSON) has its words repeated in the http check's message,
// clipped and on one line, so the engineer sees which part refused and
// why; a body that is no such error adds nothing.
func TestHTTPStatusMessageRepeatsTheEndpointsJSONError(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	for name, tc := range map[string]struct {
		body, want, not string
	}{
		"its own error code":  {`{"error":"invalid_signature","message":"JWS verification failed\u202e"}`, `"invalid_signature": JWS verification failed`, "\u202e"},
		"an error code alone": {`{"error":"token_required"}`, `"token_required"`, ": :"},
		"not JSON":            {`<html>401 Authorization Required</html>`, "answered HTTP 401", "html"},
		"an error object":     {`{"error":{"code":7}}`, "answered HTTP 401", "code"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			refuse := func(http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = w.Write([]byte(tc.body))
				})
			}
			p := rt.NewParticipant(t, op, rt.WithMiddleware(refuse))
			rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
			res := requireFailure(t, rep, readiness.CheckHTTP, readiness.ProblemHTTPStatus)
			assert.Contains(t, res.Message, tc.want)
			assert.NotContains(t, res.Message, tc.not)
			assert.Equal(t, http.StatusUnauthorized, res.HTTPStatus)
		})
	}
}
