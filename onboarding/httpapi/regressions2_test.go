package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A token stolen with a leaked secret is voided by the participant's
// compromise report: it is no longer good, and is 401 (doc.go). Once staff
// suspend the participant, the very same void token is answered 403: the
// thief, holding only a dead token, can poll the registry search and learn
// whether the participant is suspended (403) or Active (401). VerifyToken
// checks the status before the compromise cut-off.
func TestRegressionVoidTokenDoesNotRevealSuspension(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, secret := f.live("Insurance Regulatory Authority")
	code := a.Participant.ParticipantCode
	tok, err := f.svc.Token(ctx, code, secret)
	require.NoError(t, err)
	require.NoError(t, f.svc.ReportCompromise(ctx, code, "participant", "our integration server was breached"))
	search := func() response {
		return f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: bearer(tok.Value),
			body: `{"filters":{"participant_code":{"eq":"` + code + `"}}}`})
	}
	require.Equal(t, http.StatusUnauthorized, search().status, "the void token while the participant is Active")

	_, err = f.svc.Suspend(ctx, a.ID, "staff:ops", "investigating the breach")
	require.NoError(t, err)
	res := search()
	require.Equal(t, http.StatusUnauthorized, res.status, "the same void token once the participant is suspended: %s", res.body)
}
