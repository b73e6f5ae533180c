package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/credential"
)

// -h prints the usage and is no error: main exits 0 on flag.ErrHelp.
func TestHelpIsNoError(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{"Usage: go run ./examples/operator", "-addr", "-data", "-db", "start afresh", "examples/walkthrough",
		"-schedule-interval", "-schedule-workers", "-profile", "-readiness", "readiness checks", "DEMO ONLY"} {
		assert.Contains(t, out.String(), want)
	}
	cfg, err := parseFlags([]string{"-data", "somewhere"}, &out)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("somewhere", "registry.db"), cfg.db, "the database follows -data")
}

// The flags' accepted values, and their defaults: the specification's
// profile for records, readiness required, the scheduler every minute.
func TestFlagValues(t *testing.T) {
	t.Parallel()
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, credential.ProfileSpec, cfg.profile)
	assert.Equal(t, readinessRequired, cfg.readiness)
	assert.Equal(t, time.Minute, cfg.scheduleInterval)
	for name, want := range map[string]credential.Profile{
		"own": credential.ProfileOwn, "spec": credential.ProfileSpec, "platform": credential.ProfilePlatform, "nhcx": credential.ProfileNHCX,
		"hcx-platform": credential.ProfilePlatform, // the profile's own name
	} {
		cfg, err := parseFlags([]string{"-profile", name}, io.Discard)
		require.NoError(t, err, name)
		assert.Equal(t, want, cfg.profile, name)
	}
	for _, mode := range []string{readinessRequired, readinessOptional, readinessOff} {
		cfg, err := parseFlags([]string{"-readiness", mode, "-schedule-interval", "1s"}, io.Discard)
		require.NoError(t, err, mode)
		assert.Equal(t, mode, cfg.readiness)
		assert.Equal(t, time.Second, cfg.scheduleInterval)
	}
	for _, bad := range [][]string{{"-profile", ""}, {"-profile", "SPEC"}, {"-readiness", ""}, {"-schedule-interval", "0s"}} {
		_, err := parseFlags(bad, io.Discard)
		assert.Error(t, err, bad)
	}
}
