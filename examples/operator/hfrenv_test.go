package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -hfr-env says which ABDM environment the real HFR is. Given without the
// real HFR it is refused rather than ignored: "-hfr-env production" alone
// would otherwise run on the in-process fake and its demo facilities. A
// value other than sandbox or production is refused whatever else is set.
func TestHFREnvironmentNeedsTheRealHFR(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-hfr-env", "production"},
		{"-hfr-env", "sandbox"},
		{"-hfr-env", "staging"},
	} {
		_, err := parseFlags(args, io.Discard)
		require.Error(t, err, args)
		assert.Contains(t, err.Error(), "-hfr-env", args)
	}
	real := []string{"-hfr-gateway", "https://gateway.example", "-hfr-registry", "https://registry.example/v4/int", "-hfr-client-id", "client"}
	_, err := parseFlagsEnv(append(real, "-hfr-env", "staging"), io.Discard, env("HFR_CLIENT_SECRET", "secret"))
	require.ErrorContains(t, err, `-hfr-env "staging": want sandbox or production`)
	cfg, err := parseFlagsEnv(append(real, "-hfr-env", "production"), io.Discard, env("HFR_CLIENT_SECRET", "secret"))
	require.NoError(t, err)
	assert.Equal(t, "production", cfg.hfrEnv)
	cfg, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "sandbox", cfg.hfrEnv, "the default, with the fake")
}
