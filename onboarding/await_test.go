package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A facility still in HFR's own pipeline is not refused (guideline option
// 2.1): the application waits, is re-checked, and goes on once HFR
// verifies the facility — or expires after the configured wait.
func TestFacilityInHFRPipelineWaits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	seed := func(status string) hfrtest.FacilitySeed {
		return hfrtest.FacilitySeed{
			Facility: hfr.Facility{ID: "IN2910000777", Name: "Sanjeevani Multispeciality Hospital", Status: status,
				FacilityType: "Hospital", StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560034"},
			ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007777",
		}
	}
	submit := func(t *testing.T, svc *onboarding.Service) *onboarding.Application {
		t.Helper()
		w.hfr.AddFacility(seed("Submitted"))
		app := w.application(verifier.CategoryABDMProvider)
		app.Identifiers.HFRID = "IN2910000777"
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "not refused: %v", a.Reasons)
		wait := taskOf(t, a, onboarding.KindAwait)
		assert.Equal(t, verifier.ReqHFRLookup, wait.Requirement)
		return a
	}

	t.Run("proceeds once HFR verifies", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		a := submit(t, svc)
		a, err := svc.Recheck(ctx, a.ID)
		require.NoError(t, err)
		taskOf(t, a, onboarding.KindAwait) // still waiting

		w.hfr.AddFacility(seed("Verified"))
		a, err = svc.Recheck(ctx, a.ID)
		require.NoError(t, err)
		for _, tk := range a.OpenTasks() {
			assert.NotEqual(t, onboarding.KindAwait, tk.Kind, "the wait is over")
		}
		n, err := svc.ExpireWaiting(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("expires after the wait, with notice", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore(), onboarding.WithRegistryWait(48*time.Hour))
		a := submit(t, svc)
		// The applicant is shown when the wait runs out.
		assert.True(t, taskOf(t, a, onboarding.KindAwait).ExpiresAt.Equal(w.clock.Now().Add(48*time.Hour)),
			"expires_at %v", taskOf(t, a, onboarding.KindAwait).ExpiresAt)
		n, err := svc.ExpireWaiting(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "not yet")

		w.clock.Advance(48 * time.Hour)
		n, err = svc.ExpireWaiting(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		a, err = svc.Application(ctx, a.ID)
		require.NoError(t, err)
		rejectedFor(t, a, "did not complete its own verification within 2 days")
		assert.Len(t, w.notes.of(onboarding.MessageRejected, a.ID), 1, "the applicant is told")
		n, err = svc.ExpireWaiting(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "once")
	})
}

// taskOf returns a's one open task of kind.
func taskOf(t *testing.T, a *onboarding.Application, kind string) onboarding.Task {
	t.Helper()
	var found []onboarding.Task
	for _, tk := range a.OpenTasks() {
		if tk.Kind == kind {
			found = append(found, tk)
		}
	}
	require.Len(t, found, 1, "open %s tasks of %v", kind, a.OpenTasks())
	return found[0]
}
