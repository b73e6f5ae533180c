package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/metrics"
)

// The banner names the registries the operator asks, and goes to the
// console and to whatever log keeps it: a ROHINI look-up, which takes no
// credential but its URL (basic authentication by the URL's user info),
// would carry its password there; the banner names the host and path
// without it (HFR's URLs carry none:
// its client refuses user info and queries). A URL without secrets is
// shown as it is.
func TestBannerRegistryURLsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	cfg := config{rohiniURL: "https://rohini-user:r0hini-pass@rohini.example/lookup"}
	regs, err := openRegistries(cfg, io.Discard, metrics.New())
	require.NoError(t, err)
	defer regs.close()
	assert.NotContains(t, regs.rohiniSource, "r0hini-pass")
	assert.Contains(t, regs.rohiniSource, "rohini.example/lookup")

	cfg = config{rohiniURL: "https://rohini.example/lookup"}
	regs, err = openRegistries(cfg, io.Discard, metrics.New())
	require.NoError(t, err)
	defer regs.close()
	assert.Equal(t, "https://rohini.example/lookup", regs.rohiniSource)
}
