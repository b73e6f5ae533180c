package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The queue names what each application waits on by the requirement's id
// and, beside it, its title, as the application's page does: staff
// reading the queue need not know the snake_case ids.
func TestConsoleQueueTitlesRequirements(t *testing.T) {
	t.Parallel()
	f, srv := consoleServer(t)
	f.submit(f.regulator("Titled Regulator"))
	b := newBrowser(t, srv)
	b.login(staffToken)
	p := b.get("/console/queue")
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "Titled Regulator")
	assert.Regexp(t, `review \(<span class="mono">case_review</span>\)<div class="muted">Worked on a case to case basis based on need</div>`, p.body,
		"the requirement's title beside its id")
}
