package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// JSON is UTF-8 (RFC 8259): a body declared in another charset would be
// read as UTF-8 all the same, its non-ASCII text silently changed, so it
// is refused 415 naming the charset to send.
func TestJSONInAnotherCharsetIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for ct, want := range map[string]int{
		"application/json; charset=iso-8859-1": http.StatusUnsupportedMediaType,
		"application/json; charset=utf-16":     http.StatusUnsupportedMediaType,
		"application/json; charset=UTF-8":      http.StatusUnauthorized,
		"application/json; charset=utf8":       http.StatusUnauthorized,
	} {
		res := f.do(request{method: http.MethodPost, path: "/v1/onboarding/token", contentType: ct,
			body: httpapi.TokenRequest{ParticipantCode: "nobody@hcx", Secret: "wrong"}})
		require.Equal(t, want, res.status, "%q: %s", ct, res.body)
		if want == http.StatusUnsupportedMediaType {
			assert.Contains(t, res.envelope(t).Error.Message, "charset=utf-8", ct)
		}
	}
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/auth/token/generate",
		contentType: "application/x-www-form-urlencoded; charset=iso-8859-1", body: "participant_code=x&username=x&secret=y"})
	require.Equal(t, http.StatusUnsupportedMediaType, res.status, "body: %s", res.body)
}
