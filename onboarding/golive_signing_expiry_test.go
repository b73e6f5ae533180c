package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestGoLiveRefusesExpiredCertificates checks that step 5 refuses a
// participant whose step-3 encryption or signing certificate expired
// since it was registered: the network would verify its signatures, or
// encrypt to it, with a certificate no longer valid.
func TestGoLiveRefusesExpiredCertificates(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for _, field := range []string{"encryption", "signing"} {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore())
			now := w.clock.Now()
			short, err := selfSigned(key, &key.PublicKey, now.Add(-time.Hour), now.Add(48*time.Hour))
			require.NoError(t, err)

			a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer))
			require.NoError(t, err)
			_, err = svc.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
			require.NoError(t, err)
			d := w.details("hcx.suraksha.example")
			if field == "encryption" {
				d.EncryptionCert = short
			} else {
				d.SigningCertPath = short
			}
			_, err = svc.SubmitDetails(ctx, a.ID, d)
			require.NoError(t, err)
			_, err = svc.Provision(ctx, a.ID)
			require.NoError(t, err)

			w.clock.Advance(72 * time.Hour)
			_, err = svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
			require.ErrorIs(t, err, onboarding.ErrNotReady)
			assert.ErrorContains(t, err, "the "+field+" certificate has expired")
			got, err := svc.Application(ctx, a.ID)
			require.NoError(t, err)
			assert.Equal(t, hcxonboard.StatusCreated, got.Status, "not live")
		})
	}
}
