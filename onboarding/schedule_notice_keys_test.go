package onboarding_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
)

// A sent-notice record the engine does not know (a hand-edited or
// foreign state) is forgotten by the next pass that sends a notice, not a
// panic that leaves every notice of the participant unsent.
func TestScheduledNoticesForgetAnUnknownRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	store := registry.NewMemoryStore()
	svc := w.service(store, onboarding.WithSchedule(onboarding.SchedulePolicy{SecretNotices: []time.Duration{}}))
	a, _ := live(t, w, svc)

	row, err := store.Application(ctx, a.ID)
	require.NoError(t, err)
	var st map[string]any
	require.NoError(t, json.Unmarshal(row.State, &st))
	st["notices"] = map[string]any{"legacy": w.clock.Now().Format(time.RFC3339)}
	row.State, err = json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, store.Update(ctx, registry.Write{Application: row}))

	w.clock.Advance(w.cert.validNotAfter.Sub(w.clock.Now()) - 30*day + time.Hour)
	n, err := svc.RunDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Len(t, w.notes.of(onboarding.MessageCertificateExpiring, a.ID), 1)
}
