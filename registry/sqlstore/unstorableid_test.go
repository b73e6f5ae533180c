package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// TestUnstorableIDIsNotFoundInEveryWrite: the suite requires reads by text no
// store keeps to be ErrNotFound, "not a driver's error"; SetDue and the
// outbox's CompleteOutbox, FailOutbox and RetryOutbox were left out. The
// memory store answers ErrNotFound; PostgreSQL answers a driver error.
func TestUnstorableIDIsNotFoundInEveryWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	when := time.Unix(1741924613, 0)
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := b.open(t, "ids")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		mem := registry.NewMemoryStore()
		for _, st := range []registry.Store{mem, s} {
			ob := st.(registry.OutboxStore)
			dl := st.(registry.DueLister)
			for name, call := range map[string]func() error{
				"SetDue":         func() error { return dl.SetDue(ctx, "a\x00b", 1, when) },
				"CompleteOutbox": func() error { return ob.CompleteOutbox(ctx, "m\x00", "owner", when) },
				"FailOutbox":     func() error { return ob.FailOutbox(ctx, "m\xff", "owner", when, "x", false) },
				"RetryOutbox":    func() error { return ob.RetryOutbox(ctx, "m\x00", when) },
			} {
				require.ErrorIs(t, call(), registry.ErrNotFound, "%T %s", st, name)
			}
		}
	})
}
