package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/hfr/hfrtest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/rohini/rohinitest"
	"github.com/openhcx/hcxonboard/verifier"
)

// reviewOf returns a's one open review of requirement id.
func reviewOf(t *testing.T, a *onboarding.Application, id verifier.RequirementID) onboarding.Task {
	t.Helper()
	for _, tk := range a.OpenTasks() {
		if tk.Requirement == id && tk.Kind == onboarding.KindReview {
			return tk
		}
	}
	t.Fatalf("no open review of %s in %+v", id, a.OpenTasks())
	return onboarding.Task{}
}

// findingsBy indexes a task's findings by field.
func findingsBy(tk onboarding.Task) map[string]verifier.Finding {
	out := map[string]verifier.Finding{}
	for _, f := range tk.Findings {
		out[f.Field] = f
	}
	return out
}

// TestRegistryEvidenceComparedThroughTheFakes runs the field-by-field
// comparison against the HFR and ROHINI fakes, not a stubbed verifier: a
// registry record naming another facility, of a type that does not fit the
// role, at another pincode, never satisfies by itself — staff get a review
// showing both sides — while the fixtures' matching records do.
func TestRegistryEvidenceComparedThroughTheFakes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)

	t.Run("HFR: a pharmacy of another name for a hospital", func(t *testing.T) {
		w.hfr.AddFacility(hfrtest.FacilitySeed{
			Facility: hfr.Facility{ID: "IN2910000779", Name: "Apollo Pharmacy", Status: "Approved",
				FacilityType: "Pharmacy", StateName: "KARNATAKA", DistrictName: "BENGALURU URBAN", Pincode: "560001"},
			ManagerName: "Dr. Kiran Rao", ManagerMobile: "9000007779",
		})
		svc := w.service(registry.NewMemoryStore())
		app := w.application(verifier.CategoryABDMProvider)
		app.Identifiers.HFRID = "IN2910000779"
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		res, _ := a.Report.Result(verifier.ReqHFRLookup)
		assert.NotEqual(t, verifier.Satisfied, res.Outcome)
		f := findingsBy(reviewOf(t, a, verifier.ReqHFRLookup))
		assert.Equal(t, verifier.Finding{Field: "name", Applicant: app.ParticipantName, Registry: "Apollo Pharmacy", Source: "hfr"}, f["name"])
		assert.False(t, f["facility_type"].Match)
		assert.Equal(t, "Pharmacy", f["facility_type"].Registry)
		assert.Equal(t, verifier.Finding{Field: "pincode", Applicant: "560034", Registry: "560001", Source: "hfr"}, f["pincode"])
		assert.True(t, f["status"].Match, "Approved is a verified status")
	})
	t.Run("HFR: the fixture's own facility matches", func(t *testing.T) {
		svc := w.service(registry.NewMemoryStore())
		a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
		require.NoError(t, err)
		res, _ := a.Report.Result(verifier.ReqHFRLookup)
		assert.Equal(t, verifier.Satisfied, res.Outcome, res.Message)
		for _, f := range res.Findings {
			assert.True(t, f.Match, "%+v", f)
		}
	})
	t.Run("HPR: another name, not council verified", func(t *testing.T) {
		w.hfr.AddProfessional(hfr.Professional{HPRIDNumber: "71-1111-2222-3333", Name: "Dr. Other Person",
			AuthMethods: []string{"MOBILE_OTP"}})
		svc := w.service(registry.NewMemoryStore())
		app := w.application(verifier.CategoryABDMPractitioner)
		app.Identifiers.HPRID = "71-1111-2222-3333"
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		res, _ := a.Report.Result(verifier.ReqHPRCheck)
		assert.NotEqual(t, verifier.Satisfied, res.Outcome)
		f := map[string]verifier.Finding{}
		for _, x := range res.Findings {
			f[x.Field] = x
		}
		assert.Equal(t, "Dr. Other Person", f["name"].Registry)
		assert.False(t, f["name"].Match)
		assert.False(t, f["council_verified"].Match)
		assert.False(t, f["registration"].Match)
	})
	t.Run("ROHINI: another name and pincode", func(t *testing.T) {
		rw := newWorld(t)
		h := rohinitest.DemoHospitals()[0]
		rw.rohini.Add(rohini.Hospital{ID: h.ID, Name: "Some Other Hospital", Pincode: "110001", Status: h.Status,
			ValidUntil: h.ValidUntil, State: h.State, District: h.District, Address: h.Address})
		svc := rw.service(registry.NewMemoryStore())
		app := rw.application(verifier.CategoryRohiniProvider)
		a, err := svc.Submit(ctx, app)
		require.NoError(t, err)
		require.Equal(t, registry.StageVerifying, a.Stage, "reasons: %v", a.Reasons)
		f := findingsBy(reviewOf(t, a, verifier.ReqRohiniVerification))
		assert.Equal(t, verifier.Finding{Field: "name", Applicant: app.ParticipantName, Registry: "Some Other Hospital", Source: "rohini"}, f["name"])
		assert.Equal(t, verifier.Finding{Field: "pincode", Applicant: "410210", Registry: "110001", Source: "rohini"}, f["pincode"])
	})
}
