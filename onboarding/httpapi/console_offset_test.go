package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConsoleOffsetPastBoundNamesTheCursor: offsets are bounded, and the
// 400 past the bound names the cursor that pages further, on the console
// as on the API.
func TestConsoleOffsetPastBoundNamesTheCursor(t *testing.T) {
	t.Parallel()
	_, srv := consoleServer(t)
	b := newBrowser(t, srv)
	b.login(staffToken)
	for _, path := range []string{"/console/queue?waiting=all&offset=10001", "/console/participants?offset=10001"} {
		p := b.get(path)
		require.Equal(t, http.StatusBadRequest, p.status, path)
		i := strings.Index(p.body, "<section")
		require.GreaterOrEqual(t, i, 0)
		require.Contains(t, strings.ToLower(p.body[i:]), "cursor", "%s: the 400 names the cursor", path)
	}
	require.Equal(t, http.StatusOK, b.get("/console/participants?offset=10").status)
}
