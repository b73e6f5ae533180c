package onboarding_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
)

// TestCertificateWithoutAnEndGoesLive checks that a certificate valid
// until 9999-12-31 — RFC 5280's way of saying "no expiry" — is taken on
// every store: the engine's next scheduled work for it (the notices
// before its expiry) falls after the times a database stores, and must not
// make every write of the application fail.
func TestCertificateWithoutAnEndGoesLive(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	forever, err := selfSigned(key, &key.PublicKey, time.Now().Add(-time.Hour), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC))
	require.NoError(t, err)
	for name, newStore := range map[string]storeFactory{"memory": memoryStore, "SQLite": sqliteStore} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(newStore(t))
			d := w.details("hcx.forever.example")
			d.EncryptionCert = forever
			a, _ := provisionedWith(t, w, svc, d)
			a, err := svc.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
			require.NoError(t, err)
			require.Equal(t, "Active", string(a.Status))
			// With its secrets revoked, the certificate's notices are all
			// the participant has left to schedule.
			require.NoError(t, svc.ReportCompromise(ctx, a.Participant.ParticipantCode, "participant-ciso", "laptop stolen"))
			a, err = svc.Suspend(ctx, a.ID, "staff:compliance", "audit")
			require.NoError(t, err)
			require.Equal(t, "Blocked", string(a.Status))
		})
	}
}
