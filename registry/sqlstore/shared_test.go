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

// TestTwoStoresRaceForOneClaim races two Stores on one database, 10
// goroutines each, for one identity: first with creates of distinct
// applications claiming it, then with updates of distinct applications
// taking it. The database's key on the claim decides: exactly one write
// wins, and every other gets a *registry.ClaimError naming the winner.
func TestTwoStoresRaceForOneClaim(t *testing.T) {
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
		const perStore = 10
		// race runs write(store, id) in perStore goroutines per Store, all
		// released at once, and checks that exactly one wins claim.
		race := func(claim string, write func(s *sqlstore.Store, id string) error) {
			t.Helper()
			errs := make(map[string]error)
			var mu sync.Mutex
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, s := range stores {
				for g := range perStore {
					id := fmt.Sprintf("%s-%d-%02d", claim, i, g)
					wg.Go(func() {
						<-start
						err := write(s, id)
						mu.Lock()
						errs[id] = err
						mu.Unlock()
					})
				}
			}
			close(start)
			wg.Wait()
			var winners []string
			for id, err := range errs {
				if err == nil {
					winners = append(winners, id)
				}
			}
			require.Len(t, winners, 1, "winners of %s", claim)
			for id, err := range errs {
				if id == winners[0] {
					continue
				}
				var ce *registry.ClaimError
				require.ErrorAs(t, err, &ce, "application %s", id)
				require.Equal(t, registry.ClaimError{Claim: claim, ApplicationID: winners[0], ParticipantCode: "code-" + winners[0]}, *ce)
			}
			for i, s := range stores {
				holder, err := s.ApplicationByClaim(ctx, claim)
				require.NoError(t, err)
				require.Equal(t, winners[0], holder.ID, "store %d", i)
			}
		}
		app := func(id string, claims ...string) *registry.Application {
			return &registry.Application{ID: id, ParticipantCode: "code-" + id, Stage: registry.StageSubmitted,
				Claims: claims, CreatedAt: now, UpdatedAt: now}
		}

		race("hfr:IN2910000123", func(s *sqlstore.Store, id string) error {
			return s.Create(ctx, registry.Write{Application: app(id, "hfr:IN2910000123"),
				Events: registry.Chain(nil, registry.Event{ApplicationID: id, Time: now, Actor: "engine", Action: "submit"})})
		})
		apps, err := stores[0].ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit})
		require.NoError(t, err)
		require.Len(t, apps, 1, "only the winning create is stored")

		for i := range stores {
			for g := range perStore {
				id := fmt.Sprintf("rohini:8900080336704-%d-%02d", i, g)
				require.NoError(t, stores[i].Create(ctx, registry.Write{Application: app(id)}))
			}
		}
		race("rohini:8900080336704", func(s *sqlstore.Store, id string) error {
			a, err := s.Application(ctx, id)
			if err != nil {
				return err
			}
			a.Claims = []string{"rohini:8900080336704"}
			return s.Update(ctx, registry.Write{Application: a})
		})
		apps, err = stores[1].ListApplications(ctx, registry.ApplicationFilter{Limit: registry.MaxLimit})
		require.NoError(t, err)
		held := 0
		for _, a := range apps {
			held += len(a.Claims)
			if len(a.Claims) == 0 {
				require.EqualValues(t, 1, a.Version, "a loser of the update race is not updated")
			}
		}
		require.Equal(t, 2, held, "one claim per race")
	})
}
