package onboarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// RequestStepUpBy records who asked for the code; RequestStepUp, with no
// one to name, records the system. An empty actor is refused and sends
// nothing.
func TestStepUpRequestNamesItsActor(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	a, _ := live(t, w, svc)
	me := onboarding.ParticipantActor(a.Participant.ParticipantCode)

	_, err := svc.RequestStepUpBy(ctx, a.ID, onboarding.StepUpDetails, "  ")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
	_, err = svc.RequestStepUpBy(ctx, a.ID, onboarding.StepUpDetails, me)
	require.NoError(t, err)
	_, err = svc.RequestStepUp(ctx, a.ID, onboarding.StepUpDeboard)
	require.NoError(t, err)

	events, err := svc.Events(ctx, a.ID)
	require.NoError(t, err)
	var actors []string
	for _, e := range events {
		if e.Action == onboarding.ActionStepUpSent {
			actors = append(actors, e.Actor)
		}
	}
	assert.Equal(t, []string{me, "system"}, actors)
	_, err = svc.RequestReadinessCheckBy(ctx, a.ID, "")
	require.ErrorIs(t, err, onboarding.ErrInvalidArgument)
}
