package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Applications sent back and amended at once onto one IRDA number, on two
// replicas: one amendment takes it.
func TestRacingAmendmentsOneWinner(t *testing.T) {
	t.Parallel()
	overTwoReplicas(t, func(t *testing.T, sa, sb registry.Store) {
		ctx := context.Background()
		w := newWorld(t)
		svcs := []*onboarding.Service{w.service(sa), w.service(sb)}
		type sent struct {
			id  string
			app *hcxonboard.Application
		}
		var apps []sent
		for i := range 8 {
			app := w.application(verifier.CategoryPayer)
			a, err := svcs[i%2].Submit(ctx, app)
			require.NoError(t, err)
			require.Equal(t, registry.StageVerifying, a.Stage, "%v", a.Reasons)
			_, err = svcs[i%2].SendBack(ctx, a.ID, "staff:asha", "fix the number")
			require.NoError(t, err)
			amended := app.Clone()
			amended.Identifiers.IRDARegistrationNumber = "977"
			apps = append(apps, sent{a.ID, amended})
		}
		won, taken := raceForOneIdentity(t, len(apps), func(i int) error {
			a, err := svcs[i%2].Amend(ctx, apps[i].id, apps[i].app)
			if err == nil && a.Stage == registry.StageRejected {
				return errors.New("rejected: " + strings.Join(a.Reasons, "; "))
			}
			return err
		})
		assert.Equal(t, 1, won)
		assert.Equal(t, 7, taken)
	})
}

// raceForOneIdentity runs op(0) … op(n-1) at once and counts the calls
// that won (nil) and those refused with ErrIdentityTaken; any other
// outcome fails t.
func raceForOneIdentity(t *testing.T, n int, op func(i int) error) (won, taken int) {
	t.Helper()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := op(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, onboarding.ErrIdentityTaken):
				taken++
			default:
				errs = append(errs, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	return won, taken
}
