package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// CheckSecret admits an Active or suspended participant holding a live
// secret, and refuses, alike, a participant not yet live, a wrong secret,
// an unknown code, a revoked secret and a de-boarded participant.
func TestCheckSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	_, pending := provisioned(t, w, svc)
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, pending.ParticipantCode, pending.Secret), "not live yet")

	a, creds := live(t, w, svc)
	require.NoError(t, svc.CheckSecret(ctx, creds.ParticipantCode, creds.Secret))
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, creds.ParticipantCode, pending.Secret), "another's secret")
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, "nobody@hcx", creds.Secret), "an unknown code")
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, "", creds.Secret), "no code")

	_, err := svc.Suspend(ctx, a.ID, "ops", "SLA breach")
	require.NoError(t, err)
	require.NoError(t, svc.CheckSecret(ctx, creds.ParticipantCode, creds.Secret), "suspended, it still proves who it is")
	_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.Equal(t, onboarding.ErrInvalidCredentials, err, "but gets no access token")

	b, other := live(t, w, svc)
	_, err = svc.Deboard(ctx, b.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "closing, by letter"})
	require.NoError(t, err)
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, other.ParticipantCode, other.Secret), "de-boarded")

	require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, onboarding.ParticipantActor(creds.ParticipantCode), "leaked"))
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, creds.ParticipantCode, creds.Secret), "revoked")
}
