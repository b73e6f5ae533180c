package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// TestExpiryEdgeSecond checks the edge of a certificate's validity as RFC
// 7519 §4.1.4 draws it: a certificate is valid only before its exp (plus
// the skew), so at the very second exp names — the skew used up — it has
// expired, while a second earlier it is still good. nbf is the other way
// round: valid from that very second on.
func TestExpiryEdgeSecond(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t, "sbx-edge", "ed25519")
	list := trustListOf(t, trusted(t, iss, provider))
	exp := t0.Add(30 * 24 * time.Hour)
	c := baseClaims(provider)
	c.Expiry = exp
	tok := issue(t, iss, c)
	applied := []hcxonboard.Role{hospital}

	for _, skew := range []time.Duration{0, 10 * time.Second} {
		verify := func(now time.Time) error {
			v, err := NewVerifier(WithTrustList(list), WithSkew(skew), WithClock(fixedClock(now)))
			require.NoError(t, err)
			_, err = v.Verify(context.Background(), tok, applied)
			return err
		}
		end := exp.Add(skew)
		assert.NoError(t, verify(end.Add(-time.Second)), "skew %s: a second before the end it is valid", skew)
		assert.ErrorIs(t, verify(end), ErrExpired, "skew %s: at exp+skew it has expired", skew)
		assert.ErrorIs(t, verify(end.Add(time.Second)), ErrExpired, "skew %s: after the end it has expired", skew)
	}

	// nbf: valid from its own second (less the skew) on.
	nbf := t0.Add(time.Hour)
	c = baseClaims(provider)
	c.NotBefore = nbf
	tok = issue(t, iss, c)
	v, err := NewVerifier(WithTrustList(list), WithSkew(0), WithClock(fixedClock(nbf)))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok, applied)
	assert.NoError(t, err, "valid at the second nbf names")
	v, err = NewVerifier(WithTrustList(list), WithSkew(0), WithClock(fixedClock(nbf.Add(-time.Second))))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok, applied)
	assert.ErrorIs(t, err, ErrNotYetValid, "not valid a second before nbf")
}
