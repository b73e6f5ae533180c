package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// Any route refuses a query parameter over its bound or a path that is
// not clean text with 400 in the envelope (checkRequestText); the
// document says so for every route, pages and probes included.
func TestEveryRouteDocumentsItsRequestTextRefusal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := newDocValidator(t, f, map[string]int{})
	long := strings.Repeat("a", 1025)
	for _, rt := range f.h.Routes() {
		path := strings.NewReplacer("{id}", "x", "{task}", "t", "{code}", "c", "{doc}", "d", "{realm}", "hcx", "{$}", "").Replace(rt.Pattern)
		v.want(http.StatusBadRequest, request{method: rt.Method, path: path + "?pad=" + long, auth: staffAuth})
	}
}
