package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// hangingPingStore is a memory store whose Ping never answers until its
// context ends, as a database behind a dropped connection does.
type hangingPingStore struct{ *registry.MemoryStore }

func (hangingPingStore) Ping(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestReadyBoundsTheStorePing: Ready backs the unauthenticated /readyz: a
// store that hangs makes it fail within ReadyTimeout, not wait as long as
// the caller keeps the request open.
func TestReadyBoundsTheStorePing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service(hangingPingStore{registry.NewMemoryStore()})
	done := make(chan error, 1)
	go func() { done <- svc.Ready(context.Background()) }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(3 * onboarding.ReadyTimeout):
		t.Fatal("Ready did not return: the store ping has no time limit")
	}
}
