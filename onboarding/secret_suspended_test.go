package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A suspended participant is reminded of its secret's expiry without
// being sent to a route that refuses it: it is told to rotate once
// reinstated, or to ask the operator.
func TestSecretReminderToASuspendedParticipant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSchedule(onboarding.SchedulePolicy{CertificateNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)
	_, err := svc.Suspend(ctx, a.ID, "staff:ravi", "a complaint under review")
	require.NoError(t, err)
	w.clock.Advance(90*day - 7*day + time.Hour)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got := w.notes.of(onboarding.MessageSecretExpiring, a.ID)
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Body, "suspended")
	assert.Contains(t, got[0].Body, "once it is reinstated")
	assert.Contains(t, got[0].Body, a.ID)
}
