package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

// Every store refuses an audit event's time, an outbox message's times
// and a next attempt outside the times every store keeps (1677 to 2262):
// the same call does not succeed on the memory store and fail on SQL.
func TestStoresAgreeOnTimesOutsideTheRange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1741924613, 0)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, open := range map[string]func(t *testing.T) registry.Store{
		"memory":   func(*testing.T) registry.Store { return registry.NewMemoryStore() },
		"sqlite":   func(t *testing.T) registry.Store { return sqlstoretest.SQLite(t) },
		"postgres": func(t *testing.T) registry.Store { return sqlstoretest.Postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			app := func(id string) *registry.Application {
				return &registry.Application{ID: id, Stage: registry.StageSubmitted, CreatedAt: now, UpdatedAt: now}
			}
			err := s.Create(ctx, registry.Write{Application: app("app-1"),
				Events: registry.Chain(nil, registry.Event{ApplicationID: "app-1", Time: far, Actor: "engine", Action: "submit"})})
			assert.Error(t, err, "an audit event in 2300")
			err = s.Create(ctx, registry.Write{Application: app("app-2"), Outbox: []registry.OutboxMessage{{
				ID: "m-2", ApplicationID: "app-2", Kind: "otp", To: "x", CreatedAt: now, NextAttemptAt: far}}})
			assert.Error(t, err, "an outbox message due in 2300")

			require.NoError(t, s.Create(ctx, registry.Write{Application: app("app-3"), Outbox: []registry.OutboxMessage{{
				ID: "m-3", ApplicationID: "app-3", Kind: "otp", To: "x", CreatedAt: now, NextAttemptAt: now}}}))
			ob := s.(registry.OutboxStore)
			got, err := ob.ClaimOutbox(ctx, "d-1", now, time.Minute, 10)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Error(t, ob.FailOutbox(ctx, "m-3", "d-1", far, "boom", false), "a next attempt in 2300")
			require.NoError(t, ob.FailOutbox(ctx, "m-3", "d-1", now.Add(time.Minute), "boom", false))
		})
	}
}
