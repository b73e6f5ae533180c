package onboarding_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// tamperStore is a registry.Store whose audit trail an attacker with
// database access has rewritten: Events passes the stored trail through
// edit.
type tamperStore struct {
	registry.Store
	mu   sync.Mutex
	edit func([]registry.Event) []registry.Event
}

func (s *tamperStore) Events(ctx context.Context, id string) ([]registry.Event, error) {
	es, err := s.Store.Events(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.edit != nil {
		es = s.edit(slices.Clone(es))
	}
	return es, err
}

func (s *tamperStore) set(edit func([]registry.Event) []registry.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edit = edit
}

func TestVerifyChainDetectsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &tamperStore{Store: registry.NewMemoryStore()}
	svc := w.service(store)
	a, _ := live(t, w, svc)
	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(events), 6)

	cases := []struct {
		name string
		edit func([]registry.Event) []registry.Event
		seq  int64 // where the break is reported; 0: no break
	}{
		{"untouched", nil, 0},
		{"reason edited", func(es []registry.Event) []registry.Event {
			es[2].Reason = "nothing to see here"
			return es
		}, 3},
		{"actor edited and its hash recomputed", func(es []registry.Event) []registry.Event {
			es[3].Actor = "someone-else"
			es[3].Hash = es[3].ComputeHash()
			return es
		}, 5},
		{"middle event deleted", func(es []registry.Event) []registry.Event {
			return slices.Delete(es, 2, 3)
		}, 3},
		{"last event deleted", func(es []registry.Event) []registry.Event {
			return es[:len(es)-1]
		}, int64(len(events))},
		{"history rewritten from an event on, every hash recomputed", func(es []registry.Event) []registry.Event {
			es[2].Reason = "forged"
			return append(es[:2], registry.Chain(&es[1], es[2:]...)...)
		}, int64(len(events))},
		{"forged event appended", func(es []registry.Event) []registry.Event {
			forged := registry.Event{ApplicationID: a.ID, Actor: "intruder", Action: onboarding.ActionReinstate}
			return append(es, registry.Chain(&es[len(es)-1], forged)...)
		}, int64(len(events)) + 1},
	}
	for _, tc := range cases {
		store.set(tc.edit)
		err := svc.VerifyChain(ctx, a.ID)
		if tc.seq == 0 {
			require.NoError(t, err, tc.name)
			continue
		}
		var ce *registry.ChainError
		require.ErrorAs(t, err, &ce, tc.name)
		assert.Equal(t, tc.seq, ce.Seq, "%s: %v", tc.name, err)
	}
	store.set(nil)
	require.NoError(t, svc.VerifyChain(ctx, a.ID))
}

func TestAuditEventsRecordEveryTransition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindReview)
	_, err = svc.Decide(ctx, a.ID, task.ID, onboarding.Decision{Approve: true, Reviewer: "irdai-liaison", Reason: "mandate letter on file"})
	require.NoError(t, err)
	_, err = svc.Withdraw(ctx, a.ID, "applicant", "joining another HCX")
	require.NoError(t, err)

	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	type step struct{ action, actor, from, to string }
	var got []step
	for _, e := range events {
		got = append(got, step{e.Action, e.Actor, e.From, e.To})
		assert.Equal(t, w.clock.Now(), e.Time)
	}
	assert.Equal(t, []step{
		{onboarding.ActionSubmit, "applicant", "", "submitted"},
		{onboarding.ActionRegister, "system", "submitted", "verifying"},
		{onboarding.ActionApprove, "irdai-liaison", "verifying", "verifying"},
		{onboarding.ActionVerified, "system", "verifying", "details"},
		{onboarding.ActionWithdraw, "applicant", "details", "withdrawn"},
	}, got)
	assert.Contains(t, events[2].Reason, "mandate letter on file")
	assert.Equal(t, "joining another HCX", events[4].Reason)

	_, err = svc.Events(ctx, "no-such-application")
	require.ErrorIs(t, err, onboarding.ErrNotFound)
	require.ErrorIs(t, svc.VerifyChain(ctx, "no-such-application"), onboarding.ErrNotFound)
}
