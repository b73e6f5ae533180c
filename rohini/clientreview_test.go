package rohini_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/rohini"
)

// An API token given as "Bearer <token>" is redacted also when the
// server echoes the token alone.
func TestBearerTokenEchoedWithoutSchemeIsRedacted(t *testing.T) {
	t.Parallel()
	const tok = "sk_live_3f9a7c1e5b"
	tr := httpmock.NewMockTransport()
	tr.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		given := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		return httpmock.NewStringResponse(401, `{"error":"invalid_token","message":"token `+given+` is expired"}`), nil
	})
	l := newMockLookup(t, tr, rohini.WithHeader("Authorization", "Bearer "+tok))
	_, err := l.Hospital(context.Background(), goodID)
	require.ErrorIs(t, err, rohini.ErrUnavailable)
	assert.NotContains(t, err.Error(), tok, "the API token leaks into the error")
}
