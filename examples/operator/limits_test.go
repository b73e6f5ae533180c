package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The operator's server bounds what a request's headers may hold well
// below net/http's megabyte: no caller needs more than a few kilobytes
// (a bearer token, a cookie), and each connection may hold that much.
func TestServerRefusesOversizedHeaders(t *testing.T) {
	t.Parallel()
	base, _, _ := start(t, "-data", t.TempDir())
	req, err := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	require.NoError(t, err)
	req.Header.Set("X-Padding", strings.Repeat("a", maxHeaderBytes+8<<10)) // net/http allows 4 KiB over
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, res.StatusCode)

	// A request with an ordinary bearer token and cookie is served.
	req, err = http.NewRequest(http.MethodGet, base+"/healthz", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+strings.Repeat("t", 4096))
	req.Header.Set("Cookie", "hcx_console="+strings.Repeat("c", 256))
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}
