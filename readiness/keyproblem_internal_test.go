package readiness

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The key a certificate holds is named with its article, in English.
func TestKeyProblemSpeaksEnglish(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ed, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	assert.Equal(t, "has an ECDSA key; the operator registers RSA signing certificates only (RS256)", keyProblem(CheckSigningKey, &ec.PublicKey))
	assert.Equal(t, "has an Ed25519 key; HCX messages are encrypted with RSA-OAEP, which needs an RSA key", keyProblem(CheckEncryptionKey, ed))
	assert.Equal(t, "has a string key, which signs nothing this check accepts", keyProblem(CheckSigningKey, "odd"))
}
