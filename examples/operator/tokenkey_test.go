package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The access tokens follow -profile: the specification's (the default)
// are RS256 with a key kept across restarts; the library's own, EdDSA.
func TestTokenKeyFollowsProfile(t *testing.T) {
	jwks := func(t *testing.T, base string) map[string]any {
		t.Helper()
		res, err := http.Get(base + "/v1/onboarding/jwks")
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var set struct {
			Keys []map[string]any `json:"keys"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&set))
		require.NotEmpty(t, set.Keys)
		return set.Keys[0]
	}
	dir := t.TempDir()
	base, _, stop := start(t, "-data", dir, "-readiness", "off")
	first := jwks(t, base)
	assert.Equal(t, "RSA", first["kty"], "spec tokens are RS256")
	require.NoError(t, stop())
	info, err := os.Stat(filepath.Join(dir, rsaTokenKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the key is the owner's only")

	base, _, stop = start(t, "-data", dir, "-readiness", "off")
	assert.Equal(t, first["kid"], jwks(t, base)["kid"], "a restart keeps the key")
	require.NoError(t, stop())

	base, _, _ = start(t, "-data", t.TempDir(), "-readiness", "off", "-profile", "own")
	assert.Equal(t, "OKP", jwks(t, base)["kty"], "the library's own tokens are EdDSA")

	require.NoError(t, os.WriteFile(filepath.Join(dir, rsaTokenKeyFile), []byte("not a key"), 0o600))
	err = run(t.Context(), []string{"-addr", "127.0.0.1:0", "-data", dir, "-readiness", "off"}, &buffer{})
	require.ErrorContains(t, err, "is not PEM")
}

// The token key and the demo participants' keys are loaded alike: a new
// 2048-bit key readable by the owner only, kept across restarts, and a
// file that is not a PKCS #8 RSA key of 2048 bits or more refused.
func TestKeyFiles(t *testing.T) {
	t.Parallel()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	smallDER, err := x509.MarshalPKCS8PrivateKey(small)
	require.NoError(t, err)
	edDER, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(make([]byte, 32)))
	require.NoError(t, err)
	pemOf := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }

	loaders := map[string]func(path string) error{
		"token key": func(path string) error { _, err := loadRSATokenKey(path); return err },
		"participant key": func(path string) error {
			_, err := loadOrCreateRSAKey(path, "demo participant key", demoOnlyNote)
			return err
		},
	}
	for name, load := range loaders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "key.pem")
			require.NoError(t, load(path))
			info, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the key is the owner's only")
			first, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, load(path), "the key it wrote")
			again, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, first, again, "a restart keeps the key")

			for bad, data := range map[string][]byte{
				"not PEM":         []byte("no key here\n"),
				"PKCS #1 block":   pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)),
				"1024-bit key":    pemOf("PRIVATE KEY", smallDER),
				"Ed25519 key":     pemOf("PRIVATE KEY", edDER),
				"garbled PKCS #8": pemOf("PRIVATE KEY", []byte("garbled")),
			} {
				path := filepath.Join(dir, "bad.pem")
				require.NoError(t, os.WriteFile(path, data, 0o600))
				assert.ErrorContains(t, load(path), "delete it to start afresh", bad)
			}
		})
	}
}
