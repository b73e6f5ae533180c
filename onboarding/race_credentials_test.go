package onboarding_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestRacingProvisionsShowOneSecret races Provision (step 4) on one
// application: one call gets a secret, the others ErrAlreadyProvisioned,
// and one secret record and one provision event are stored.
func TestRacingProvisionsShowOneSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svc.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)

	var mu sync.Mutex
	var shown []string
	wins, errs := race(func() error {
		c, err := svc.Provision(ctx, a.ID)
		if err == nil {
			mu.Lock()
			shown = append(shown, c.Secret)
			mu.Unlock()
		}
		return err
	})
	assert.Equal(t, 1, wins, "one secret is shown")
	for _, err := range errs {
		assert.ErrorIs(t, err, onboarding.ErrAlreadyProvisioned)
	}
	require.Len(t, shown, 1)
	assert.Len(t, eventsOf(t, svc, a.ID, onboarding.ActionProvision), 1, "one provision event")
	got, err := svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Secrets.Live, "one secret record")
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}

// TestRacingRotationsHaveOneWinner races RotateSecret with the same
// secret: one rotation wins, and the secret it replaced rotates no more.
func TestRacingRotationsHaveOneWinner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, creds := live(t, w, svc)
	wins, errs := race(func() error {
		_, err := svc.RotateSecret(ctx, creds.ParticipantCode, creds.Secret, 0)
		return err
	})
	assert.Equal(t, 1, wins, "one rotation wins")
	for _, err := range errs {
		assert.ErrorIs(t, err, onboarding.ErrInvalidCredentials)
	}
	assert.Len(t, eventsOf(t, svc, a.ID, onboarding.ActionRotateSecret), 1, "one rotation event")
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}
