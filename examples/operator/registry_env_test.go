package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real registries' endpoints come from flags or from the environment
// (HFR_GATEWAY, HFR_REGISTRY, HFR_CLIENT_ID, HFR_ENV, ROHINI_URL), as a
// container is configured; a flag given wins over its variable.
func TestRegistryEndpointsFromTheEnvironment(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"HFR_GATEWAY": "https://gateway.example", "HFR_REGISTRY": "https://registry.example/v4/int",
		"HFR_CLIENT_ID": "client", "HFR_CLIENT_SECRET": "secret", "HFR_ENV": "production",
		"ROHINI_URL": "https://rohini.example",
	}
	getenv := func(k string) string { return vars[k] }
	cfg, err := parseFlagsEnv(nil, io.Discard, getenv)
	require.NoError(t, err)
	assert.Equal(t, "https://gateway.example", cfg.hfrGateway)
	assert.Equal(t, "https://registry.example/v4/int", cfg.hfrRegistry)
	assert.Equal(t, "client", cfg.hfrClientID)
	assert.Equal(t, "production", cfg.hfrEnv)
	assert.Equal(t, "https://rohini.example", cfg.rohiniURL)

	cfg, err = parseFlagsEnv([]string{"-rohini-url", "https://other.example", "-hfr-env", "sandbox"}, io.Discard, getenv)
	require.NoError(t, err)
	assert.Equal(t, "https://other.example", cfg.rohiniURL, "the flag wins")
	assert.Equal(t, "sandbox", cfg.hfrEnv, "the flag wins")

	// HFR_ENV without the real HFR is refused, as -hfr-env is.
	_, err = parseFlagsEnv(nil, io.Discard, env("HFR_ENV", "production"))
	require.ErrorContains(t, err, "HFR_ENV")
	_, err = parseFlagsEnv(nil, io.Discard, env("HFR_ENV", "staging"))
	require.Error(t, err)
}
