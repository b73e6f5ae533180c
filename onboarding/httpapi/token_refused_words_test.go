package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A refused access token says what to do next: a token that is not (or
// no longer) good is replaced at POST /v1/onboarding/token; a good one of
// a participant that is not Active is told why it gets none.
func TestRefusedAccessTokenNamesTheNextStep(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Token Words Regulator")
	tok, err := f.svc.Token(ctx, a.Participant.ParticipantCode, secret)
	require.NoError(t, err)
	search := request{method: http.MethodPost, path: "/v1/onboarding/participants/search", body: `{"filters":{}}`}

	search.auth = bearer("eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	res := f.do(search)
	require.Equal(t, http.StatusUnauthorized, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "POST /v1/onboarding/token")

	_, err = f.svc.Suspend(ctx, a.ID, "staff:asha", "unpaid dues")
	require.NoError(t, err)
	search.auth = bearer(tok.Value)
	res = f.do(search)
	require.Equal(t, http.StatusForbidden, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, "not Active")
}
