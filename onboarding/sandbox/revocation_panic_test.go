package sandbox

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An operator's revocation checker that panics is a revocation status
// that could not be had (ErrRevocationUnavailable, which callers retry),
// never a crash of the caller, nor a certificate taken as not revoked.
// The panic's value, which may hold what the checker was reading, is not
// in the error.
func TestRevocationCheckerPanicIsUnavailable(t *testing.T) {
	t.Parallel()
	good := newTestIssuer(t, "sbx-good", "ed25519")
	list := trustListOf(t, trusted(t, good, provider, payer))
	tok := issue(t, good, baseClaims())
	var broken bool
	checker := RevocationFunc(func(_ context.Context, issuer, jti string) (bool, error) {
		if broken {
			panic("revocation list lookup failed for " + jti)
		}
		return false, nil
	})
	v := newTestVerifier(t, WithTrustList(list), WithRevocation(checker))

	cert, err := v.Verify(context.Background(), tok, nil)
	require.NoError(t, err)
	require.True(t, cert.Trusted)

	broken = true
	require.NotPanics(t, func() {
		cert, err = v.Verify(context.Background(), tok, nil)
	})
	require.ErrorIs(t, err, ErrRevocationUnavailable)
	assert.Nil(t, cert)
	assert.Contains(t, err.Error(), "panicked")
	assert.NotContains(t, err.Error(), "lookup failed")
}
