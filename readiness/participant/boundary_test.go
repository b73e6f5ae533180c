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
	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An anonymous request naming the operator with an unknown key, dropped at
// once, does not keep the operator's keys out: the genuine challenge that
// follows is answered.
func TestDroppedRequestDoesNotBlockTheOperatorsKeys(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	h, _ := remoteKeysHandler(t, op, func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(op.JWKS())
	})

	forged := signed(t, rt.NewOperator(9).Key, jwa.EdDSA, "no-such-kid", claims())
	body, err := json.Marshal(readiness.Request{Challenge: forged})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, readiness.Path, strings.NewReader(string(body))).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)

	f := &fixture{op: op, h: h}
	rec := postChallenge(h, f.challenge(t, claims()))
	assert.Equal(t, http.StatusOK, rec.Code, "body: %s", rec.Body.String())
}

// A challenge is answered once, also at the very instant it stops being
// valid (its expiry plus the leeway), when the replay cache forgets it.
func TestChallengeAnsweredOnceAtItsLastInstant(t *testing.T) {
	t.Parallel()
	var at atomic.Int64
	at.Store(now.UnixNano())
	clk := func() time.Time { return time.Unix(0, at.Load()).UTC() }
	op := rt.NewOperator(1)
	h, err := participant.NewHandler(
		participant.WithParticipant(code, participant.Keys{Encryption: rt.RSAKey(0), Signing: rt.RSAKey(1)}),
		participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS())),
		participant.WithClock(clk),
	)
	require.NoError(t, err)
	f := &fixture{op: op, h: h}
	c := claims()
	token := f.challenge(t, c)
	answerOf(t, postChallenge(h, token))
	at.Store(time.Unix(c.Expiry, 0).Add(participant.DefaultLeeway).UnixNano())
	assert.NotEqual(t, http.StatusOK, postChallenge(h, token).Code, "answered twice")
}

// Anonymous callers who name the trusted operator with a made-up kid and
// hang up while the handler fetches the operator's JWKS make one fetch
// between them: the fetch outlives its caller and counts against
// RemoteMinInterval, so callers cannot make the handler hammer the operator.
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
