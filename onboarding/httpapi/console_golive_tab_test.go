package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An approver's work — applications with their credentials, waiting for
// go-live — has a queue tab of its own: no task marks it, so none of the
// task tabs but All listed it.
func TestConsoleQueueListsApplicationsWaitingForGoLive(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	a, _ := f.provisioned("Go-live Tab Regulator")
	other, _ := f.submit(f.regulator("Still Verifying Regulator"))
	b := newBrowser(t, srv)
	b.login(staffToken)
	q := b.get("/console/queue")
	require.Equal(t, http.StatusOK, q.status)
	assert.Contains(t, q.body, `href="/console/queue?waiting=go-live"`, "the queue has a go-live tab")
	q = b.get("/console/queue?waiting=go-live")
	require.Equal(t, http.StatusOK, q.status, q.body)
	assert.Contains(t, q.body, `href="/console/applications/`+a.ID+`"`)
	assert.NotContains(t, q.body, `href="/console/applications/`+other.ID+`"`, "only applications past step 3")
}

// An unknown queue names the ones there are.
func TestConsoleUnknownQueueNamesTheQueues(t *testing.T) {
	t.Parallel()
	_, srv := consoleServer(t)
	b := newBrowser(t, srv)
	b.login(staffToken)
	q := b.get("/console/queue?waiting=nope")
	require.Equal(t, http.StatusBadRequest, q.status)
	for _, key := range []string{"decide", "review", "go-live", "all"} {
		assert.Contains(t, q.body, key)
	}
}
