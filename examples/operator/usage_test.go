package main

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -h prints the usage and is no error: main exits 0 on flag.ErrHelp.
func TestHelpIsNoError(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{"Usage: go run ./examples/operator", "-addr", "-data", "-db", "start afresh", "examples/walkthrough"} {
		assert.Contains(t, out.String(), want)
	}
	cfg, err := parseFlags([]string{"-data", "somewhere"}, &out)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("somewhere", "registry.db"), cfg.db, "the database follows -data")
}
