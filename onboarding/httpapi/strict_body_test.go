package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// A route that takes no body refuses one that says something (a
// {"channel":"sms"} to the resend route would otherwise be dropped
// unread, and the caller left to think it was heeded); no body, or an
// empty object, as some clients send with every POST, is no body.
func TestBodylessRoutesRefuseABody(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tg := newTarget(t, f)
	n := 0
	for _, rt := range apiRoutes(f.h) {
		if rt.Body || rt.Method == http.MethodGet || rt.Form || rt.Raw {
			continue
		}
		n++
		res := f.do(request{method: rt.Method, path: tg.path(rt.Path), auth: tg.auth(rt.Auth), body: `{"channel":"sms"}`})
		require.Equal(t, http.StatusBadRequest, res.status, "%s %s: %s", rt.Method, rt.Path, res.body)
		e := res.envelope(t)
		assert.Equal(t, httpapi.CodeInvalidPayload, e.Error.Code)
		assert.Contains(t, e.Error.Message, "takes no request body", "%s %s", rt.Method, rt.Path)
		for _, none := range []any{nil, " {} "} {
			res := f.do(request{method: rt.Method, path: tg.path(rt.Path), auth: tg.auth(rt.Auth), body: none})
			if res.status == http.StatusBadRequest {
				assert.NotContains(t, res.envelope(t).Error.Message, "takes no request body", "%s %s with %v", rt.Method, rt.Path, none)
			}
		}
	}
	assert.GreaterOrEqual(t, n, 6, "every bodyless route is covered")
}
