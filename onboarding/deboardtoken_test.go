package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestDeboardingEndsTokensAtItsEffectiveTime: an announced involuntary
// de-boarding takes effect at its effective time. ProcessDeboardings makes
// the participant Inactive, but it runs on a schedule: until it does, the
// participant must not get tokens, nor use those it has, as though it were
// still on the network. An appeal in time keeps it on.
func TestDeboardingEndsTokensAtItsEffectiveTime(t *testing.T) {
	t.Parallel()
	const notice = 10 * time.Minute
	for name, store := range map[string]func(testing.TB) registry.Store{
		"memory": func(testing.TB) registry.Store { return registry.NewMemoryStore() },
		"sqlite": sqliteStore,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(store(t), onboarding.WithNoticePeriod(notice))
			a, creds := live(t, w, svc)
			before, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.NoError(t, err)

			_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
			require.NoError(t, err)
			w.clock.Advance(notice - time.Minute) // still in the notice period
			_, err = svc.VerifyToken(ctx, before.Value)
			require.NoError(t, err, "during the notice period the participant is on the network")
			during, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.NoError(t, err)

			w.clock.Advance(2 * time.Minute) // past the effective time; no sweep has run
			_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "no token after the de-boarding took effect")
			for _, tok := range []credential.Token{before, during} {
				_, err = svc.VerifyToken(ctx, tok.Value)
				require.ErrorIs(t, err, credential.ErrInvalidToken, "a token outlived the de-boarding")
			}
		})
	}
}

// TestAppealedDeboardingLeavesTokensAlone is the accepting case: an appeal
// within the notice period stops the de-boarding, and the participant's
// tokens go on working past the date it named.
func TestAppealedDeboardingLeavesTokensAlone(t *testing.T) {
	t.Parallel()
	const notice = 10 * time.Minute
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithNoticePeriod(notice))
	a, creds := live(t, w, svc)
	_, err := svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "ops", Reason: "endpoint down for weeks"})
	require.NoError(t, err)
	_, err = svc.Appeal(ctx, a.ID, "ceo", "the endpoint is back")
	require.NoError(t, err)

	w.clock.Advance(notice + time.Minute)
	tok, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
	require.NoError(t, err)
	_, err = svc.VerifyToken(ctx, tok.Value)
	require.NoError(t, err)
}

// TestDeboardedPayerNoLongerVouches: a payer whose de-boarding has taken
// effect neither answers approval requests nor signs empanelment proofs
// the verifier accepts, though the sweep has not made it Inactive yet —
// on a store without registry.StandingReader too, where RegistryPayers
// finds the de-boarding through registry.Applications.
func TestDeboardedPayerNoLongerVouches(t *testing.T) {
	t.Parallel()
	for name, store := range map[string]registry.Store{
		"with a standing reader":    registry.NewMemoryStore(),
		"without a standing reader": twoReadStore{registry.NewMemoryStore()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(store, onboarding.WithNoticePeriod(time.Second))
			a, reqs := livePayer(t, w, svc)
			code := a.Participant.ParticipantCode

			dir := onboarding.RegistryPayers(store, nil, onboarding.PayersClock(w.clock.Now))
			_, err := dir.SigningKey(ctx, code)
			require.NoError(t, err)

			_, err = svc.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorRegulator, Actor: "irdai", Reason: "licence cancelled"})
			require.NoError(t, err)
			w.clock.Advance(2 * time.Second)

			_, err = svc.ApprovalRequests(ctx, code)
			require.ErrorIs(t, err, onboarding.ErrNotActive)
			_, err = svc.AnswerApprovals(ctx, code, []onboarding.ApprovalAnswer{{ApplicationID: reqs[0].ApplicationID, TaskID: reqs[0].TaskID, Approve: true}})
			require.ErrorIs(t, err, onboarding.ErrNotActive)
			_, err = dir.SigningKey(ctx, code)
			require.ErrorIs(t, err, verifier.ErrUnknownPayer, "the de-boarded payer's key no longer vouches")
		})
	}
}
