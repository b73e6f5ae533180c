package main

import (
	"encoding/json"
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
