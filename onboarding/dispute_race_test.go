package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Two claimants whose identity disputes staff approve at once, on two
// replicas, once the holder is Inactive: one takes the identity.
func TestRacingDisputeApprovalsOneWinner(t *testing.T) {
	t.Parallel()
	overTwoReplicas(t, func(t *testing.T, sa, sb registry.Store) {
		ctx := context.Background()
		w := newWorld(t)
		svcs := []*onboarding.Service{w.service(sa, onboarding.WithIdentityDisputes(true)), w.service(sb, onboarding.WithIdentityDisputes(true))}
		holder, _ := live(t, w, svcs[0])
		type claim struct{ app, task string }
		var claims []claim
		for i := range 6 {
			app := w.application(verifier.CategoryPayer)
			app.Identifiers = holder.Submitted.Identifiers
			c, err := svcs[i%2].Submit(ctx, app)
			require.NoError(t, err)
			for _, tk := range c.OpenTasks() {
				if tk.Requirement == onboarding.RequirementIdentityDispute {
					claims = append(claims, claim{c.ID, tk.ID})
				}
			}
		}
		require.Len(t, claims, 6)
		_, err := svcs[1].Deboard(ctx, holder.ID, onboarding.DeboardRequest{Initiator: onboarding.InitiatorVoluntary, Actor: "staff:ops", Reason: "given to its operator"})
		require.NoError(t, err)
		won, taken := raceForOneIdentity(t, len(claims), func(i int) error {
			_, err := svcs[i%2].Decide(ctx, claims[i].app, claims[i].task, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "documents match"})
			return err
		})
		assert.Equal(t, 1, won)
		assert.Equal(t, 5, taken)
	})
}
