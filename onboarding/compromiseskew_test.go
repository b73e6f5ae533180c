package onboarding_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestTokenFromAFastReplicaDiesWithTheCompromiseReport: two replicas share a
// store; replica A's clock runs 30 s ahead, within the 60 s leeway the
// operator configured for drift between replicas (credential.WithLeeway).
// A thief holding the leaked secret gets a token from A; the participant
// then reports the compromise on B. ReportCompromise promises "every token
// issued before now is refused by VerifyToken": the thief's token too,
// though A's clock stamped it after the report's time.
func TestTokenFromAFastReplicaDiesWithTheCompromiseReport(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()

	key, err := credential.GenerateEd25519Key(rand.Reader)
	require.NoError(t, err)
	clockA := func() time.Time { return w.clock.Now().Add(30 * time.Second) }
	tokensB, err := credential.NewTokens(key, credential.WithIssuer(instanceCode), credential.WithClock(w.clock.Now),
		credential.WithLeeway(time.Minute))
	require.NoError(t, err)
	tokensA, err := credential.NewTokens(key, credential.WithIssuer(instanceCode), credential.WithClock(clockA),
		credential.WithLeeway(time.Minute))
	require.NoError(t, err)
	svcB := w.service(store, onboarding.WithTokens(tokensB))
	svcA := w.service(store, onboarding.WithTokens(tokensA), onboarding.WithClock(clockA))

	// A payer goes live on B; its secret is taken from the provisioning.
	a, err := svcB.Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	_, err = svcB.ConfirmOTP(ctx, a.ID, onlyTask(t, a, onboarding.KindOTP).ID, w.notes.code(t, a.ID))
	require.NoError(t, err)
	_, err = svcB.SubmitDetails(ctx, a.ID, w.details("hcx.suraksha.example"))
	require.NoError(t, err)
	creds, err := svcB.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svcB.GoLive(ctx, a.ID, onboarding.Checklist{PilotCompleted: true, StaffTrained: true, ConfirmedBy: "ops"})
	require.NoError(t, err)

	// The thief exchanges the leaked secret on replica A.
	stolen, err := svcA.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)

	// Five seconds later the participant reports the leak on replica B.
	w.clock.Advance(5 * time.Second)
	require.NoError(t, svcB.ReportCompromise(ctx, creds.ParticipantCode, "applicant", "secret leaked in a public repository"))

	// Every replica must now refuse the token obtained before the report.
	w.clock.Advance(5 * time.Second)
	for name, svc := range map[string]*onboarding.Service{"B": svcB, "A": svcA} {
		claims, err := svc.VerifyToken(ctx, stolen.Value)
		require.ErrorIs(t, err, credential.ErrInvalidToken,
			"replica %s accepted a token issued before the compromise report (iat %s, token expires %s): %+v",
			name, stolen.IssuedAt.Format(time.RFC3339), stolen.ExpiresAt.Format(time.RFC3339), claims)
	}

	// A fresh secret: within the leeway of the report no token is issued
	// (it would be refused); after it, tokens work on every replica.
	fresh, err := svcB.Provision(ctx, a.ID)
	require.NoError(t, err)
	_, err = svcB.Token(ctx, fresh.ParticipantCode, fresh.Secret)
	require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "within the leeway of the report")
	w.clock.Advance(time.Minute)
	tok, err := svcB.Token(ctx, fresh.ParticipantCode, fresh.Secret)
	require.NoError(t, err)
	for name, svc := range map[string]*onboarding.Service{"B": svcB, "A": svcA} {
		_, err := svc.VerifyToken(ctx, tok.Value)
		require.NoError(t, err, "replica %s", name)
	}
}
