package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A transport that panics on a message does not take the process down:
// the message is a dead letter at once, for staff to see, instead of a
// poison message that every replica claims in turn and dies on. The
// change that wrote it stands, and other messages still go out.
func TestOutboxSurvivesAPanickingTransport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	poison := onboarding.NotifierFunc(func(ctx context.Context, m onboarding.Message) error {
		if m.Kind == onboarding.MessageReviewRequest {
			var nothing map[string]int
			nothing["boom"]++ // a transport's bug
		}
		return w.notes.Notify(ctx, m)
	})
	svc := w.service(store, onboarding.WithNotifier(poison))
	var a *onboarding.Application
	require.NotPanics(t, func() {
		var err error
		a, err = svc.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err, "the change is stored")
	})
	w.clock.Advance(time.Hour)
	require.NotPanics(t, func() {
		_, err := svc.DispatchOutbox(ctx)
		require.NoError(t, err)
	})
	dead, err := svc.DeadLetters(ctx, 10, "")
	require.NoError(t, err)
	require.Len(t, dead, 1)
	require.Equal(t, a.ID, dead[0].ApplicationID)
	require.Equal(t, onboarding.MessageReviewRequest, dead[0].Kind)
	require.Contains(t, dead[0].LastError, "panicked")

	// Without the outbox the panic is caught as well.
	plain := w.service(store, onboarding.WithNotifier(poison), onboarding.WithOutbox(false))
	require.NotPanics(t, func() {
		_, err := plain.Submit(ctx, w.application(verifier.CategoryRegulator))
		require.NoError(t, err)
	})
}
