package onboarding_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/webhook"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A receiver that answers 503 with Retry-After: 3600 is not delivered to
// again before the hour is up: the outbox's next attempt honours it.
func TestOutboxHonoursWebhookRetryAfter(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		rw.Header().Set("Retry-After", "3600")
		rw.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key, err := jwk.FromRaw(priv)
	require.NoError(t, err)
	require.NoError(t, key.Set(jwk.KeyIDKey, "op-1"))
	sender, err := webhook.New(key, func(context.Context, string) (string, error) { return srv.URL, nil },
		webhook.WithClient(srv.Client()))
	require.NoError(t, err)

	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithNotifier(sender))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryRegulator))
	require.NoError(t, err)
	first := hits.Load()
	require.NotZero(t, first, "the write's own delivery reached the receiver")
	pending, err := store.ListOutbox(ctx, registry.OutboxFilter{State: registry.OutboxPending, ApplicationID: a.ID})
	require.NoError(t, err)
	require.NotEmpty(t, pending)
	for _, m := range pending {
		if m.NextAttemptAt.Before(m.CreatedAt.Add(time.Hour)) {
			t.Errorf("message %s is due again after %v; the receiver asked for 1h", m.ID, m.NextAttemptAt.Sub(m.CreatedAt))
		}
	}
	w.clock.Advance(5 * time.Minute)
	_, err = svc.DispatchOutbox(ctx)
	require.NoError(t, err)
	require.Equal(t, first, hits.Load(), "the outbox delivered again 5 minutes later, inside the receiver's Retry-After of an hour")
}
