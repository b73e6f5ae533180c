package onboarding_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// readLog records the store reads made through it, by method.
type readLog struct {
	registry.Store
	mu    sync.Mutex
	reads []string
}

func (s *readLog) note(m string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, m)
}

func (s *readLog) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reads
	s.reads = nil
	return r
}

func (s *readLog) ListApplications(ctx context.Context, f registry.ApplicationFilter) ([]registry.Application, error) {
	s.note("ListApplications")
	return s.Store.ListApplications(ctx, f)
}

func (s *readLog) Application(ctx context.Context, id string) (*registry.Application, error) {
	s.note("Application")
	return s.Store.Application(ctx, id)
}

func (s *readLog) Participant(ctx context.Context, code string) (*hcxonboard.Participant, error) {
	s.note("Participant")
	return s.Store.Participant(ctx, code)
}

// CheckSecret's refusals are alike in answer and in the store reads they
// make: an unknown code reads what a known one does, so that a caller
// cannot tell an unknown code from a wrong secret, or from a participant
// that may not use its secret, by how many round trips the answer takes.
func TestCheckSecretRefusalsReadAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &readLog{Store: registry.NewMemoryStore()}
	svc := w.service(store)
	_, creds := live(t, w, svc)
	_, pending := provisioned(t, w, svc)
	gone, goneCreds := live(t, w, svc)
	_, err := svc.Deboard(ctx, gone.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "closing, by letter"})
	require.NoError(t, err)

	store.take()
	require.NoError(t, svc.CheckSecret(ctx, creds.ParticipantCode, creds.Secret))
	admitted := store.take()
	require.NotEmpty(t, admitted)

	for _, tc := range []struct{ name, code, secret string }{
		{"an unknown code", "nobody@hcx", creds.Secret},
		{"an unknown code shaped like a known one", creds.ParticipantCode + "x", creds.Secret},
		{"a wrong secret", creds.ParticipantCode, pending.Secret},
		{"a malformed secret", creds.ParticipantCode, "not-a-secret"},
		{"a participant not yet live", pending.ParticipantCode, pending.Secret},
		{"a de-boarded participant", goneCreds.ParticipantCode, goneCreds.Secret},
	} {
		err := svc.CheckSecret(ctx, tc.code, tc.secret)
		require.Equal(t, onboarding.ErrInvalidCredentials, err, tc.name)
		reads := store.take()
		require.True(t, slices.Equal(admitted, reads), "%s: read %v; an admitted secret reads %v", tc.name, reads, admitted)
	}
}
