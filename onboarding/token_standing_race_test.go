package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// afterReadStore runs hook once, right after the first participant read
// after it is set: inside Token, once the participant was read Active and
// before the token is issued.
type afterReadStore struct {
	*registry.MemoryStore
	hook func()
}

func (s *afterReadStore) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	p, err := s.MemoryStore.Participant(ctx, code)
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return p, err
}

// TestTokenRacingASuspensionOrDeboardingIsRefused checks that a token
// asked for while staff suspend or de-board the participant is not issued
// once the change is stored: other gateways check only a token's
// signature, so a token handed out after the participant left Active would
// let it transact there until the token expires.
func TestTokenRacingASuspensionOrDeboardingIsRefused(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(ctx context.Context, svc *onboarding.Service, id string) error{
		"suspend": func(ctx context.Context, svc *onboarding.Service, id string) error {
			_, err := svc.Suspend(ctx, id, "staff:asha", "SLA breach under investigation")
			return err
		},
		"deboard": func(ctx context.Context, svc *onboarding.Service, id string) error {
			_, err := svc.Deboard(ctx, id, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary,
				Actor: "staff:asha", Reason: "the participant's written request"})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			store := &afterReadStore{MemoryStore: registry.NewMemoryStore()}
			svc := w.service(store)
			a, creds := live(t, w, svc)

			store.hook = func() { require.NoError(t, change(ctx, svc, a.ID)) }
			_, err := svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "the participant left Active while the token was issued")
			_, err = svc.Token(ctx, creds.ParticipantCode, creds.Secret)
			require.ErrorIs(t, err, onboarding.ErrInvalidCredentials, "and stays refused")
		})
	}
}
