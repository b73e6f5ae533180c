package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The applicant's use of its token is noted at most once an hour, moves
// nothing, and does not restart the idle clock; an ended application
// notes nothing.
func TestNoteApplicantUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithSchedule(onboarding.SchedulePolicy{IdleAfter: 30 * day}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryPayer)) // waits on its OTP
	require.NoError(t, err)
	n := len(eventActions(t, svc, a.ID))

	w.clock.Advance(2 * time.Hour)
	got, err := svc.NoteApplicantUse(ctx, a.ID, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, w.clock.Now().UTC().Truncate(time.Second), got.ApplicantUsedAt.UTC())
	assert.Equal(t, a.Stage, got.Stage)
	actions := eventActions(t, svc, a.ID)
	require.Len(t, actions, n+1)
	assert.Equal(t, onboarding.ActionApplicantTokenUsed, actions[n])

	w.clock.Advance(30 * time.Minute)
	_, err = svc.NoteApplicantUse(ctx, a.ID, time.Time{})
	require.NoError(t, err)
	assert.Len(t, eventActions(t, svc, a.ID), n+1, "within the hour: not noted again")

	w.clock.Advance(29 * day)
	_, err = svc.NoteApplicantUse(ctx, a.ID, time.Time{})
	require.NoError(t, err)
	assert.Len(t, eventActions(t, svc, a.ID), n+2)
	w.clock.Advance(2 * day)
	_, err = svc.RunDue(ctx)
	require.NoError(t, err)
	got, err = svc.Application(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, registry.StageWithdrawn, got.Stage, "a use is no change: 31 days idle")
	m := len(eventActions(t, svc, a.ID))
	w.clock.Advance(2 * time.Hour)
	_, err = svc.NoteApplicantUse(ctx, a.ID, time.Time{})
	require.NoError(t, err)
	assert.Len(t, eventActions(t, svc, a.ID), m, "an ended application notes nothing")

	_, err = svc.NoteApplicantUse(ctx, "no-such-application", time.Time{})
	require.ErrorIs(t, err, onboarding.ErrNotFound)
}
