package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/readiness/readinesstest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The cooldown of the checks a participant asks for holds across
// replicas: a burst of requests spread over two services on one store runs
// one check, as the store decides, not each replica's own lock.
func TestReadinessCooldownAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op := readinesstest.NewOperator(7)
	checker := op.Checker(t, readinesstest.Client(t, readinesstest.Host))
	w := newWorld(t)
	store := registry.NewMemoryStore()
	opts := []onboarding.Option{onboarding.WithReadiness(checker, true, 0),
		onboarding.WithEndpointRules(onboarding.EndpointRules{AllowPort: true})}
	replicas := []*onboarding.Service{w.service(store, opts...), w.service(store, opts...)}

	a, _ := withDetails(t, w, replicas[0], op)
	_, err := replicas[0].Provision(ctx, a.ID)
	require.NoError(t, err)
	before, err := replicas[0].Events(ctx, a.ID)
	require.NoError(t, err)

	for round := range 2 {
		var wg sync.WaitGroup
		var ok, refused atomic.Int32
		for i := range 16 {
			svc := replicas[i%2]
			wg.Go(func() {
				_, err := svc.RequestReadinessCheckBy(ctx, a.ID, "applicant")
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, onboarding.ErrTooSoon):
					refused.Add(1)
				default:
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), ok.Load(), "round %d: one check runs", round)
		assert.Equal(t, int32(15), refused.Load(), "round %d", round)
		after, err := replicas[1].Events(ctx, a.ID)
		require.NoError(t, err)
		assert.Len(t, after, len(before)+1, "round %d: one check recorded", round)
		before = after
		w.clock.Advance(onboarding.ReadinessCooldown)
	}

	// A check asked for of an application that cannot be checked yet
	// does not hold the next request back.
	b, err := replicas[0].Submit(ctx, w.application(verifier.CategoryPayer))
	require.NoError(t, err)
	for range 2 {
		_, err = replicas[1].RequestReadinessCheck(ctx, b.ID)
		require.ErrorIs(t, err, onboarding.ErrNotReady)
	}
}
