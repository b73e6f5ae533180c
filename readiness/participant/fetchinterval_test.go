package participant_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An anonymous caller who names the trusted operator with a made-up kid and
// hangs up while the handler fetches the operator's JWKS gets a fresh fetch
// every time: the fetch it cut short does not count against
// RemoteMinInterval. RemoteKeys promises at most one fetch per interval "so
// that callers cannot make the handler hammer the operator".
func TestDroppedCallersCannotBypassTheJWKSFetchInterval(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	var fetches atomic.Int32
	started := make(chan struct{}, 100)
	h, _ := remoteKeysHandler(t, op, func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		started <- struct{}{}
		// A JWKS over a real network takes a while; the attacker hangs up
		// before it arrives.
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		_ = json.NewEncoder(w).Encode(op.JWKS())
	})

	const attempts = 10
	for i := range attempts {
		forged := signed(t, rt.NewOperator(9).Key, jwa.EdDSA, "made-up-kid-"+string(rune('a'+i)), claims())
		body, err := json.Marshal(readiness.Request{Challenge: forged})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }() // hang up once the fetch is under way
		req := httptest.NewRequest(http.MethodPost, readiness.Path, strings.NewReader(string(body))).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
		cancel()
	}
	assert.LessOrEqual(t, int(fetches.Load()), 1,
		"%d anonymous requests, all within RemoteMinInterval (%v), made the handler fetch the operator's JWKS %d times",
		attempts, 30*time.Second, fetches.Load())
}
