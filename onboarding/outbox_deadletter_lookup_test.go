package onboarding_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// listCountingStore counts the outbox listings the engine asks for.
type listCountingStore struct {
	*registry.MemoryStore
	lists atomic.Int64
}

func (s *listCountingStore) ListOutbox(ctx context.Context, f registry.OutboxFilter) ([]registry.OutboxMessage, error) {
	s.lists.Add(1)
	return s.MemoryStore.ListOutbox(ctx, f)
}

// A staff retry finds its dead letter by id, straight from the store
// (registry.OutboxReader), however many dead letters wait: it does not
// page through them.
func TestRetryDeadLetterReadsItByID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := &listCountingStore{MemoryStore: registry.NewMemoryStore()}
	svc := w.service(store, onboarding.WithOutboxDeadAfter(time.Hour))

	w.notes.setFail(errors.New("webhook: 500"))
	_, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	for range 3 {
		w.clock.Advance(time.Hour)
		_, err = svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	dead, err := svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.NotEmpty(t, dead)

	w.notes.setFail(nil)
	store.lists.Store(0)
	require.NoError(t, svc.RetryDeadLetter(ctx, dead[0].ID))
	require.ErrorIs(t, svc.RetryDeadLetter(ctx, dead[0].ID), onboarding.ErrNotFound, "no longer a dead letter")
	require.ErrorIs(t, svc.RetryDeadLetter(ctx, "no-such-message"), onboarding.ErrNotFound)
	require.Zero(t, store.lists.Load(), "the dead letter is read by id, not found by listing")
	n, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// outboxOnlyStore is a store with an outbox and none of the other
// optional capabilities: no OutboxReader among them.
type outboxOnlyStore struct {
	registry.Store
	registry.OutboxStore
}

// A store that cannot read one message by id still has its dead letters
// retried: the engine finds them by paging, past a full page of others.
func TestRetryDeadLetterWithoutOutboxReader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	mem := registry.NewMemoryStore()
	store := outboxOnlyStore{Store: mem, OutboxStore: mem}
	var _ registry.OutboxStore = store
	_, isReader := any(store).(registry.OutboxReader)
	require.False(t, isReader)
	svc := w.service(store, onboarding.WithOutboxDeadAfter(time.Hour))

	w.notes.setFail(errors.New("webhook: 500"))
	for range 3 {
		_, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
	}
	for range 3 {
		w.clock.Advance(time.Hour)
		_, err := svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	}
	dead, err := svc.DeadLetters(ctx, registry.MaxLimit, "")
	require.NoError(t, err)
	require.NotEmpty(t, dead)
	last := dead[len(dead)-1]

	w.notes.setFail(nil)
	require.NoError(t, svc.RetryDeadLetter(ctx, last.ID))
	require.ErrorIs(t, svc.RetryDeadLetter(ctx, last.ID), onboarding.ErrNotFound, "no longer a dead letter")
	require.ErrorIs(t, svc.RetryDeadLetter(ctx, "no-such-message"), onboarding.ErrNotFound)
	n, err := svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
