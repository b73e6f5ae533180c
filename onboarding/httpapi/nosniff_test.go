package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every answer, whatever route and status, tells browsers not to sniff
// its type: the key set, pages, errors, redirects and refusals alike.
func TestEveryAnswerSaysNoSniff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, rt := range f.h.Routes() {
		path := strings.NewReplacer("{id}", "x", "{task}", "t", "{code}", "c", "{doc}", "d", "{realm}", "hcx").Replace(rt.Pattern)
		for _, method := range []string{rt.Method, http.MethodHead, http.MethodPut} {
			res := f.do(request{method: method, path: path})
			assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"), "%s %s answered %d", method, path, res.status)
		}
	}
	res := f.do(request{method: http.MethodGet, path: "/nowhere"})
	assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"), "a 404")
}
