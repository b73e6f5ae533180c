package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// The overlap lets clients still on the old secret get tokens while
// they switch; it must not let the holder of the superseded secret mint a
// fresh full-lifetime secret (and, with overlap 0, retire the rightful
// successor at once). Otherwise rotating away from a secret someone else
// knows never cuts them off.
func TestSupersededSecretCannotRotateAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	_, old := live(t, w, svc)

	// The participant rotates away from a secret an ex-contractor knew,
	// with an hour's overlap for its own clients.
	next, err := svc.RotateSecret(ctx, old.ParticipantCode, old.Secret, time.Hour)
	require.NoError(t, err)

	// Within the hour, the ex-contractor rotates with the old secret.
	stolen, err := svc.RotateSecret(ctx, old.ParticipantCode, old.Secret, 0)
	w.clock.Advance(2 * time.Hour)
	_, nextErr := svc.Token(ctx, next.ParticipantCode, next.Secret)
	if err == nil {
		_, stolenErr := svc.Token(ctx, stolen.ParticipantCode, stolen.Secret)
		t.Logf("superseded secret minted a new one expiring %s (token with it after the overlap: err=%v); the rightful new secret now: err=%v",
			stolen.ExpiresAt.Format(time.RFC3339), stolenErr, nextErr)
	}
	assert.Equal(t, onboarding.ErrInvalidCredentials, err, "a secret superseded by a rotation may still get tokens during the overlap, not rotate again")
	assert.NoError(t, nextErr, "the participant's own new secret must survive")
}
