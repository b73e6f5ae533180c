package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// TestLoad stores applications and participants in bulk: each reads back
// as Create would have stored it, searches and queues find them, and a
// code already stored fails the whole Load.
func TestLoad(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "load")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var ws []registry.Write
		for i := range 130 {
			now := start.Add(time.Duration(i) * time.Second)
			code := fmt.Sprintf("%06d@load", i)
			a := &registry.Application{ID: "app-" + code, Key: "key-" + code, ParticipantCode: code,
				Stage: registry.StageVerifying, Waiting: []string{"approval", "approval"}, CreatedAt: now, UpdatedAt: now, State: []byte(`{"n":1}`)}
			ws = append(ws, registry.Write{Application: a, Participant: benchParticipant(code, now)})
		}
		require.NoError(t, s.Load(ctx, ws))

		p, err := s.Participant(ctx, "000042@load")
		require.NoError(t, err)
		require.Equal(t, benchParticipant("000042@load", start.Add(42*time.Second)), p)
		a, err := s.ApplicationByKey(ctx, "key-000042@load")
		require.NoError(t, err)
		require.EqualValues(t, 1, a.Version)
		require.Equal(t, []string{"approval", "approval"}, a.Waiting)

		hits, err := s.SearchParticipants(ctx, registry.Query{Limit: registry.MaxLimit,
			Filters: map[string]registry.Condition{registry.FieldName: registry.Contains("ital 00004")}})
		require.NoError(t, err)
		require.Len(t, hits, 10, "the name index holds loaded rows")
		queue, err := s.ListApplications(ctx, registry.ApplicationFilter{Stage: registry.StageVerifying, Waiting: "approval", Limit: registry.MaxLimit})
		require.NoError(t, err)
		require.Len(t, queue, 130)

		err = s.Load(ctx, ws[:1])
		require.ErrorIs(t, err, registry.ErrConflict)
		ws[0].Application.Claims = []string{"hfr:1"}
		require.Error(t, s.Load(ctx, ws[:1]), "claims go through Create")
	})
}
