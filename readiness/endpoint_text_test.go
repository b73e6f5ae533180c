package readiness_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// The endpoint's refusal message is repeated in the report, which the
// console, the API and the participant's self-test (a terminal) show. It
// comes from outside: its C1 controls (U+009B is a terminal's CSI) and
// direction overrides, which make a console or a terminal show text in
// another order than it is stored, become spaces like the C0 controls,
// and it is cut on a character boundary, so the message stays valid
// UTF-8. Printable text in any script is kept.
func TestEndpointRefusalTextIsMadeSafe(t *testing.T) {
	op := rt.NewOperator(43)
	long := strings.Repeat("क", 100) // 3 bytes each: 200 bytes falls inside one
	refuse := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"bad_signature","message":"Y\u009b8mN\u202eYDAER TON\u2066` + long + `"}`))
		})
	}
	p := rt.NewParticipant(t, op, rt.WithMiddleware(refuse))
	rep := op.Checker(t, rt.Client(t, p.Host)).Check(context.Background(), p.Target())
	require.False(t, rep.Ready)
	ch, _ := rep.Result(readiness.CheckChallenge)
	require.Equal(t, readiness.Failed, ch.Outcome)
	assert.Contains(t, ch.Message, "the endpoint refused the challenge (bad_signature): Y 8mN YDAER TON कक")
	for _, bad := range []string{"\u009b", "\u202e", "\u2066"} {
		assert.NotContains(t, ch.Message, bad)
	}
	assert.True(t, utf8.ValidString(ch.Message), "%q", ch.Message)
}
