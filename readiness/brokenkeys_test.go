package readiness_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// An operator key that is nil or never filled in is refused by New with
// ErrInvalidOption, never a panic.
func TestWithSignerRefusesBrokenKeys(t *testing.T) {
	t.Parallel()
	client := rt.Client(t)
	for name, key := range map[string]crypto.Signer{
		"nil RSA key":       (*rsa.PrivateKey)(nil),
		"empty RSA key":     &rsa.PrivateKey{},
		"nil ECDSA key":     (*ecdsa.PrivateKey)(nil),
		"empty ECDSA key":   &ecdsa.PrivateKey{},
		"nil Ed25519 key":   ed25519.PrivateKey(nil),
		"short Ed25519 key": ed25519.PrivateKey{1, 2, 3},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var err error
			assert.NotPanics(t, func() {
				_, err = readiness.New(readiness.WithSigner(key, "k"), readiness.WithIssuer("x"), readiness.WithHTTPClient(client))
			})
			assert.ErrorIs(t, err, readiness.ErrInvalidOption)
		})
	}
}
