package onboarding_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// transplantStore is a store an intruder with database write access (but
// without the audit key) has edited: application victim's trail is replaced
// by the (genuinely sealed) trail of application donor, and victim's row
// anchors donor's last event.
type transplantStore struct {
	registry.Store
	mu            sync.Mutex
	victim, donor string
}

func (s *transplantStore) Events(ctx context.Context, id string) ([]registry.Event, error) {
	s.mu.Lock()
	victim, donor := s.victim, s.donor
	s.mu.Unlock()
	if id == victim && victim != "" {
		return s.Store.Events(ctx, donor)
	}
	return s.Store.Events(ctx, id)
}

func (s *transplantStore) Application(ctx context.Context, id string) (*registry.Application, error) {
	a, err := s.Store.Application(ctx, id)
	s.mu.Lock()
	victim, donor := s.victim, s.donor
	s.mu.Unlock()
	if err != nil || id != victim || victim == "" {
		return a, err
	}
	d, err := s.Store.Application(ctx, donor)
	if err != nil {
		return nil, err
	}
	var vs, ds map[string]json.RawMessage
	if err := json.Unmarshal(a.State, &vs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(d.State, &ds); err != nil {
		return nil, err
	}
	vs["last"] = ds["last"] // the row's anchor, edited in the database
	a.State, _ = json.Marshal(vs)
	return a, nil
}

func TestVerifyChainRefusesAnotherApplicationsTrail(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	store := &transplantStore{Store: registry.NewMemoryStore()}
	svc := w.service(store, onboarding.WithAuditKey(key))

	victim, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	_, err = svc.Decide(ctx, victim.ID, onlyTask(t, victim, onboarding.KindReview).ID,
		onboarding.Decision{Approve: true, Reviewer: "staff:mallory", Reason: "looks fine"})
	require.NoError(t, err)
	donor, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	_, err = svc.Decide(ctx, donor.ID, onlyTask(t, donor, onboarding.KindReview).ID,
		onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "mandate letter on file"})
	require.NoError(t, err)
	require.NoError(t, svc.VerifyChain(ctx, victim.ID))

	store.mu.Lock()
	store.victim, store.donor = victim.ID, donor.ID
	store.mu.Unlock()

	es, err := svc.Events(ctx, victim.ID)
	require.NoError(t, err)
	require.Equal(t, donor.ID, es[0].ApplicationID, "the trail now served for the victim is the donor's")
	var ce *registry.ChainError
	require.ErrorAs(t, svc.VerifyChain(ctx, victim.ID), &ce,
		"every event of the trail served for %s names application %s: the trail is not this application's", victim.ID, donor.ID)
}
