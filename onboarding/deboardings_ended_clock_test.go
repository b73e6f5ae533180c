package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// What EndedDeboardings read is kept for a few seconds of the Service's
// own clock too, not of the process's alone: once the engine's clock has
// moved past the notice period, a de-boarding another replica announced
// meanwhile is answered at once. Within those seconds the list read is
// kept.
func TestEndedDeboardingsFollowsTheServiceClock(t *testing.T) {
	t.Parallel()
	const notice = time.Hour
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	one := w.service(store, onboarding.WithNoticePeriod(notice))
	other := w.service(store, onboarding.WithNoticePeriod(notice))
	a, creds := live(t, w, one)
	got, err := one.EndedDeboardings(ctx)
	require.NoError(t, err)
	require.Empty(t, got)

	_, err = other.Deboard(ctx, a.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorHCX, Actor: "ops", Reason: "endpoint down for weeks"})
	require.NoError(t, err)
	w.clock.Advance(time.Second)
	got, err = one.EndedDeboardings(ctx)
	require.NoError(t, err)
	require.Empty(t, got, "within the notice period")

	w.clock.Advance(notice)
	got, err = one.EndedDeboardings(ctx)
	require.NoError(t, err)
	require.Equal(t, map[string]bool{creds.ParticipantCode: true}, got, "taken effect an hour later by the engine's clock")
}
