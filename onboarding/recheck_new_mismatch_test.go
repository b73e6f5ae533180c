package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A mismatch HFR reports on a later Recheck must open a staff review even
// when an earlier, automatically closed wait (await/retry) exists for the
// same requirement: no person ever judged it.
func TestLaterHFRMismatchAfterAutoClosedWaitIsReviewed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const id = "IN2910000778"
	seed := func(status, name, typ string) hfrtest.FacilitySeed {
		return hfrtest.FacilitySeed{
			Facility: hfr.Facility{ID: id, Name: name, Status: status, FacilityType: typ,
				StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560034"},
			ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007778",
		}
	}
	const name = "Sanjeevani Multispeciality Hospital"
	w.hfr.AddFacility(seed("Submitted", name, "Hospital"))
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMProvider)
	app.Identifiers.HFRID = id
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
	taskOf(t, a, onboarding.KindAwait)

	// HFR verifies the facility: everything matches, the wait closes by itself.
	w.hfr.AddFacility(seed("Verified", name, "Hospital"))
	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	res, _ := a.Report.Result(verifier.ReqHFRLookup)
	require.Equal(t, verifier.Satisfied, res.Outcome, res.Message)

	// Before the manager confirms, HFR's record changes: now a pharmacy
	// under another name. The new check is a mismatch.
	w.hfr.AddFacility(seed("Verified", "City Medical Store", "Pharmacy"))
	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	res, _ = a.Report.Result(verifier.ReqHFRLookup)
	t.Logf("hfr_lookup as shown after the second recheck: %s: %s", res.Outcome, res.Message)

	var review bool
	for _, tk := range a.OpenTasks() {
		if tk.Kind == onboarding.KindReview && tk.Requirement == verifier.ReqHFRLookup {
			review = true
		}
	}
	// The manager confirms HFR's code: nothing else should let it through.
	code, ok := w.hfr.LastOTP(id)
	require.True(t, ok)
	a, err = svc.ConfirmOTP(ctx, a.ID, taskOf(t, a, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	t.Logf("stage after the manager confirmed: %s", a.Stage)
	require.True(t, review, "no staff review opened for HFR's mismatch; open tasks %v", a.OpenTasks())
	require.Equal(t, registry.StageVerifying, a.Stage, "the application went on to %s with an unreviewed HFR mismatch", a.Stage)
}

func TestNewHFRMismatchAfterApprovedReviewIsReviewed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	const id = "IN2910000779"
	seed := func(status, typ string) hfrtest.FacilitySeed {
		return hfrtest.FacilitySeed{
			Facility: hfr.Facility{ID: id, Name: "Sanjeevani Hospital", Status: status, FacilityType: typ,
				StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560034"},
			ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007779",
		}
	}
	w.hfr.AddFacility(seed("Verified", "Hospital"))
	svc := w.service(registry.NewMemoryStore())
	app := w.application(verifier.CategoryABDMProvider) // "Sanjeevani Multispeciality Hospital"
	app.Identifiers.HFRID = id
	a, err := svc.Submit(ctx, app)
	require.NoError(t, err)
	review := taskOf(t, a, onboarding.KindReview)
	require.Equal(t, verifier.ReqHFRLookup, review.Requirement)
	a, err = svc.Decide(ctx, a.ID, review.ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha",
		Reason: "same hospital, short name", Seen: review.Fingerprint})
	require.NoError(t, err)

	w.hfr.AddFacility(seed("Suspended", "Pharmacy"))
	a, err = svc.Recheck(ctx, a.ID)
	require.NoError(t, err)
	open := false
	for _, tk := range a.OpenTasks() {
		open = open || (tk.Kind == onboarding.KindReview && tk.Requirement == verifier.ReqHFRLookup)
	}
	code, ok := w.hfr.LastOTP(id)
	require.True(t, ok)
	a, err = svc.ConfirmOTP(ctx, a.ID, taskOf(t, a, onboarding.KindOTP).ID, code)
	require.NoError(t, err)
	t.Logf("stage after the manager confirmed: %s", a.Stage)
	require.True(t, open, "HFR's new differences (status Suspended, type Pharmacy) opened no review")
	require.Equal(t, registry.StageVerifying, a.Stage)

	// Decided on these findings, a recheck that finds them again asks
	// no one again.
	again := taskOf(t, a, onboarding.KindReview)
	a, err = svc.Decide(ctx, a.ID, again.ID, onboarding.Decision{Approve: true, Reviewer: "staff:ravi",
		Reason: "HFR's record is being corrected", Seen: again.Fingerprint})
	require.NoError(t, err)
	require.Equal(t, registry.StageDetails, a.Stage)
}
