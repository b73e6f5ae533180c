package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVoidTokenDoesNotRevealSuspension: a token voided by a compromise report is 401
// whether or not staff then suspend the participant: its holder learns
// nothing of the participant's standing.
func TestVoidTokenDoesNotRevealSuspension(t *testing.T) {
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
