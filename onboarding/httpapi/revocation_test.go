package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// A participant's access token is checked against the store on every
// request: the first request after a suspension, a de-boarding or a
// compromise report is refused, and the first after a reinstatement
// accepted, on the memory store and on SQLite.
func TestParticipantTokenRefusedOnTheNextRequest(t *testing.T) {
	t.Parallel()
	for name, newStore := range map[string]func(t *testing.T) registry.Store{
		"memory": func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"SQLite": func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFixtureOn(t, newStore(t), nil)
			a, secret := f.live("Revocation Regulator")
			b, secretB := f.live("Compromised Regulator")
			token := func(code, secret string) string {
				tok, err := f.svc.Token(ctx, code, secret)
				require.NoError(t, err)
				return bearer(tok.Value)
			}
			tokA, tokB := token(a.Participant.ParticipantCode, secret), token(b.Participant.ParticipantCode, secretB)
			search := func(auth string) int {
				return f.do(request{method: http.MethodPost, path: "/v1/onboarding/participants/search", auth: auth,
					body: registry.Query{Filters: map[string]registry.Condition{registry.FieldCode: registry.Eq(a.Participant.ParticipantCode)}}}).status
			}
			require.Equal(t, http.StatusOK, search(tokA))
			require.Equal(t, http.StatusOK, search(tokB))

			_, err := f.svc.Suspend(ctx, a.ID, "staff:approver", "audit")
			require.NoError(t, err)
			require.Equal(t, http.StatusForbidden, search(tokA), "the first request after the suspension")
			require.Equal(t, http.StatusOK, search(tokB), "another participant is not touched")
			_, err = f.svc.Reinstate(ctx, a.ID, "staff:approver", "audit closed")
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, search(tokA), "the first request after the reinstatement")

			require.NoError(t, f.svc.ReportCompromise(ctx, b.Participant.ParticipantCode, "participant-ciso", "leaked"))
			require.Equal(t, http.StatusUnauthorized, search(tokB), "the first request after the compromise report: the token is void")

			_, err = f.svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:approver", Reason: "closing, by letter"})
			require.NoError(t, err)
			require.Equal(t, http.StatusForbidden, search(tokA), "the first request after the de-boarding")
		})
	}
}
