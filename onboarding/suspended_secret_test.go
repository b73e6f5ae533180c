package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A suspended participant that reports its secret leaked, as it may with
// its code and secret, is issued a new one by staff, and proves who it is
// with that (CheckSecret) to mend what the suspension is for; it still
// gets no access token.
func TestSuspendedParticipantGetsANewSecretAfterACompromiseReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, creds := live(t, w, svc)
	_, err := svc.Suspend(ctx, a.ID, "staff:ops", "SLA breach")
	require.NoError(t, err)
	require.NoError(t, svc.ReportCompromise(ctx, creds.ParticipantCode, onboarding.ParticipantActor(creds.ParticipantCode), "leaked"))
	require.Equal(t, onboarding.ErrInvalidCredentials, svc.CheckSecret(ctx, creds.ParticipantCode, creds.Secret))

	fresh, err := svc.ProvisionBy(ctx, a.ID, "staff:ops")
	require.NoError(t, err, "staff issue a suspended participant a new secret")
	require.NoError(t, svc.CheckSecret(ctx, fresh.ParticipantCode, fresh.Secret))
	_, err = svc.Token(ctx, fresh.ParticipantCode, fresh.Secret)
	require.Equal(t, onboarding.ErrInvalidCredentials, err, "a suspended participant gets no access token")
	_, err = svc.ProvisionBy(ctx, a.ID, "staff:ops")
	require.ErrorIs(t, err, onboarding.ErrAlreadyProvisioned, "not while it holds a live one")
}
