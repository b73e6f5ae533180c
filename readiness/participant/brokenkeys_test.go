package participant_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness/participant"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// A key that is nil or never filled in — what a loader whose error was
// ignored hands over — is refused by NewHandler with an error naming
// it, never a panic.
func TestNewHandlerRefusesBrokenKeys(t *testing.T) {
	t.Parallel()
	op := rt.NewOperator(1)
	trust := participant.WithOperator(op.Issuer, participant.StaticKeys(op.JWKS()))
	good := rt.RSAKey(0)
	for name, keys := range map[string]participant.Keys{
		"nil RSA encryption key":    {Encryption: (*rsa.PrivateKey)(nil)},
		"empty RSA encryption key":  {Encryption: &rsa.PrivateKey{}},
		"nil RSA signing key":       {Encryption: good, Signing: (*rsa.PrivateKey)(nil)},
		"empty RSA signing key":     {Encryption: good, Signing: &rsa.PrivateKey{}},
		"nil ECDSA signing key":     {Encryption: good, Signing: (*ecdsa.PrivateKey)(nil)},
		"empty ECDSA signing key":   {Encryption: good, Signing: &ecdsa.PrivateKey{}},
		"nil Ed25519 signing key":   {Encryption: good, Signing: ed25519.PrivateKey(nil)},
		"short Ed25519 signing key": {Encryption: good, Signing: ed25519.PrivateKey{1, 2, 3}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var err error
			assert.NotPanics(t, func() { _, err = participant.NewHandler(participant.WithParticipant("p@hcx", keys), trust) })
			assert.ErrorIs(t, err, participant.ErrInvalidOption)
			assert.ErrorContains(t, err, `participant "p@hcx"`)
		})
	}
}
