package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
)

// TestTwoStoresShareOneDatabase writes to one database through two
// Stores at once, as two operator replicas would: every create lands,
// each Store reads the other's writes, and of two updates of one
// application from the same version exactly one wins.
func TestTwoStoresShareOneDatabase(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		var stores [2]*sqlstore.Store
		for i := range stores {
			s, err := b.open(t, "shared")
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		now := time.Unix(1741924613, 0)
		const perStore, workers = 40, 4
		errs := make(chan error, len(stores)*perStore)
		var wg sync.WaitGroup
		for i, s := range stores {
			for w := range workers {
				wg.Go(func() {
					for n := w; n < perStore; n += workers {
						code := fmt.Sprintf("%d%06d@hcx", i+1, n)
						a := &registry.Application{ID: "app-" + code, Key: "key-" + code, ParticipantCode: code,
							Stage: registry.StageSubmitted, Waiting: []string{"review"}, CreatedAt: now, UpdatedAt: now}
						p := &hcxonboard.Participant{ParticipantCode: code, ParticipantName: "Hospital " + code,
							Roles: []hcxonboard.Role{hcxonboard.RoleProvider}, CreatedAt: now, UpdatedAt: now}
						errs <- s.Create(ctx, registry.Write{Application: a, Participant: p})
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for i, s := range stores {
			apps, err := s.ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit})
			require.NoError(t, err)
			require.Len(t, apps, len(stores)*perStore, "store %d sees every create", i)
			hits, err := s.SearchParticipants(ctx, registry.Query{Limit: registry.MaxLimit,
				Filters: map[string]registry.Condition{registry.FieldRoles: registry.Eq(string(hcxonboard.RoleProvider))}})
			require.NoError(t, err)
			require.Len(t, hits, len(stores)*perStore, "store %d finds every participant by role", i)
		}

		for round := range 5 {
			id := fmt.Sprintf("app-1%06d@hcx", round)
			var mine [2]*registry.Application
			for i, s := range stores {
				a, err := s.Application(ctx, id)
				require.NoError(t, err)
				a.Stage, a.Waiting, a.UpdatedAt = registry.StageVerifying, nil, now.Add(time.Duration(i+1)*time.Second)
				mine[i] = a
			}
			results := make([]error, len(stores))
			var race sync.WaitGroup
			for i, s := range stores {
				race.Go(func() { results[i] = s.Update(ctx, registry.Write{Application: mine[i]}) })
			}
			race.Wait()
			won := 0
			for _, err := range results {
				switch {
				case err == nil:
					won++
				case errors.Is(err, registry.ErrVersionConflict):
				default:
					require.NoError(t, err)
				}
			}
			require.Equal(t, 1, won, "round %d: one update from version 1 wins", round)
			got, err := stores[round%2].Application(ctx, id)
			require.NoError(t, err)
			require.EqualValues(t, 2, got.Version)
		}
	})
}
