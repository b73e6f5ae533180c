package onboarding_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// An amendment that names another identity gives the first one back.
func TestAmendmentFreesTheIdentityItLeaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryPayer)
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons %v", a.Reasons)
	_, err = svc.SendBack(ctx, a.ID, "staff:asha", "wrong IRDA number")
	require.NoError(t, err)
	old := app.Identifiers.IRDARegistrationNumber
	amended := app.Clone()
	amended.Identifiers.IRDARegistrationNumber = "912"
	a, err = svc.Amend(ctx, a.ID, amended)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage, "reasons %v", a.Reasons)

	other := w.application(verifier.CategoryPayer)
	other.Identifiers.IRDARegistrationNumber = old
	b, err := svc.Submit(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, b.Stage, "the old number is free: %v", b.Reasons)

	again := w.application(verifier.CategoryPayer)
	again.Identifiers.IRDARegistrationNumber = " 912 "
	c, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	rejectedFor(t, c, "IRDA insurer registration 912")
}

// ROHINI ids are one identity whatever their case or spacing.
func TestRohiniIDSpellingsAreOneIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())
	first := w.application(verifier.CategoryRohiniProvider)
	a, err := svc.Submit(ctx, first)
	require.NoError(t, err)
	require.NotEqual(t, registry.StageRejected, a.Stage, "reasons %v", a.Reasons)
	for _, v := range []string{strings.ToLower(first.Identifiers.RohiniID), " " + first.Identifiers.RohiniID + " "} {
		app := w.application(verifier.CategoryRohiniProvider)
		app.Identifiers.RohiniID = v
		b, err := svc.Submit(ctx, app)
		require.NoError(t, err, v)
		rejectedFor(t, b, "already registered with this HCX as participant "+a.Participant.ParticipantCode)
	}
}

// An application that expired waiting on HFR gives its facility back.
func TestExpiredRegistryWaitFreesTheFacility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.hfr.AddFacility(hfrtest.FacilitySeed{
		Facility: hfr.Facility{ID: "IN2910000778", Name: "Sanjeevani Multispeciality Hospital", Status: "Submitted",
			FacilityType: "Hospital", StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560034"},
		ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007778",
	})
	svc := w.service(registry.NewMemoryStore(), onboarding.WithRegistryWait(24*time.Hour))
	app := w.application(verifier.CategoryABDMProvider)
	app.Identifiers.HFRID = "IN2910000778"
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons %v", a.Reasons)
	dup := w.application(verifier.CategoryABDMProvider)
	dup.Identifiers.HFRID = "in2910000778"
	b, err := svc.Submit(ctx, dup)
	require.NoError(t, err)
	rejectedFor(t, b, "HFR facility IN2910000778 is already registered")
	w.clock.Advance(25 * time.Hour)
	n, err := svc.ExpireWaiting(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	again := w.application(verifier.CategoryABDMProvider)
	again.Identifiers.HFRID = "IN2910000778"
	c, err := svc.Submit(ctx, again)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, c.Stage, "reasons %v", c.Reasons)
}

// Two replicas racing one participant certificate: one winner.
func TestRacingParticipantCertificateOneWinner(t *testing.T) {
	t.Parallel()
	overTwoReplicas(t, func(t *testing.T, a, b registry.Store) {
		ctx := context.Background()
		w := newWorld(t)
		services := []*onboarding.Service{w.service(a), w.service(b)}
		const name = "Suraksha General Insurance Company Limited"
		cert := w.participantCertificate("sbx-suraksha", name, hcxonboard.RolePayer)
		var mu sync.Mutex
		var ok, refused int
		var errs []string
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				app := w.application(verifier.CategoryPayer)
				app.SandboxCertificate, app.SandboxParticipantCode = cert, "sbx-suraksha"
				<-start
				got, err := services[i%2].Submit(ctx, app)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					errs = append(errs, err.Error())
				case got.Stage == registry.StageRejected && strings.Contains(strings.Join(got.Reasons, " "), "already backs"):
					refused++
				case got.Stage != registry.StageRejected:
					ok++
				default:
					errs = append(errs, strings.Join(got.Reasons, "; "))
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Empty(t, errs)
		assert.Equal(t, 1, ok)
		assert.Equal(t, 9, refused)
	})
}
