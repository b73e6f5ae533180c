package main

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A port another program holds — 8080 often is — is refused with the way
// on: -addr 127.0.0.1:0 picks a free one.
func TestBusyAddressNamesTheWayOn(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = busy.Close() })
	err = run(context.Background(), []string{"-addr", busy.Addr().String(), "-data", t.TempDir()}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), busy.Addr().String())
	assert.Contains(t, err.Error(), "-addr 127.0.0.1:0")
}
