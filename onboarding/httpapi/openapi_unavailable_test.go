package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A request whose context ends before the store answers (the client gone,
// a deadline passed) is 503 in the envelope; the document lists 503 for
// every route that answers it.
func TestEveryRouteDocumentsItsUnavailableAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := newDocValidator(t, f, map[string]int{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	seen := 0
	for _, rt := range f.h.Routes() {
		path := strings.NewReplacer("{id}", "x", "{task}", "t", "{code}", "c@hcx", "{doc}", "d", "{realm}", "hcx", "{$}", "").Replace(rt.Pattern)
		req := request{method: rt.Method, path: path, auth: staffAuth}.build(t).WithContext(ctx)
		rec := httptest.NewRecorder()
		v.ServeHTTP(rec, req)
		if rec.Code == http.StatusServiceUnavailable {
			seen++
		}
	}
	assert.Positive(t, seen, "some routes reach the store and answer 503")
}
