package verifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestRegistryAnswerForAnotherFacilityNeverSatisfies: a registry adapter
// (an operator's own, or one gone wrong) that answers with the record of
// another facility — every other field the applicant's — does not settle
// the look-up: the id it answered for is a finding beside the one asked
// for, and a person reviews it.
func TestRegistryAnswerForAnotherFacilityNeverSatisfies(t *testing.T) {
	t.Parallel()
	t.Run("HFR", func(t *testing.T) {
		t.Parallel()
		for _, answered := range []string{"IN2910000999", ""} {
			reg := facilityFunc(func(context.Context, string) (hfr.Facility, error) {
				return hfr.Facility{ID: answered, Name: "Sunrise Multispeciality Hospital", Status: "Verified",
					FacilityType: "Hospital", Pincode: "570001"}, nil
			})
			r, err := trustedChecker(t, verifier.WithFacilityRegistry(reg)).Verify(context.Background(), loadApp(t, "abdm_provider_ready.json"))
			require.NoError(t, err)
			res, ok := r.Result(verifier.ReqHFRLookup)
			require.True(t, ok)
			if answered == "" {
				// An adapter that does not echo the id: it checked it.
				assert.Equal(t, verifier.Satisfied, res.Outcome, res.Message)
				continue
			}
			assert.Equal(t, verifier.Pending, res.Outcome, res.Message)
			assert.Equal(t, verifier.TaskReview, res.Task)
			assert.Contains(t, res.Message, "IN2910000999")
			f := findingOf(res, "hfr_id")
			require.NotNil(t, f, "findings: %+v", res.Findings)
			assert.False(t, f.Match)
			assert.Equal(t, "IN2910000123", f.Applicant)
			assert.Equal(t, "IN2910000999", f.Registry)
		}
	})
	t.Run("ROHINI", func(t *testing.T) {
		t.Parallel()
		lookup := rohiniFunc(func(context.Context, string) (rohini.Hospital, error) {
			return rohini.Hospital{ID: "8900080412156", Name: "Lakeview Nursing Home Pvt. Ltd.", Pincode: "411001", Status: "Active",
				ValidUntil: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}, nil
		})
		r, err := trustedChecker(t, verifier.WithRohiniLookup(lookup)).Verify(context.Background(), loadApp(t, "rohini_provider_ready.json"))
		require.NoError(t, err)
		res, ok := r.Result(verifier.ReqRohiniVerification)
		require.True(t, ok)
		assert.Equal(t, verifier.Pending, res.Outcome, res.Message)
		assert.Equal(t, verifier.TaskReview, res.Task)
		f := findingOf(res, "rohini_id")
		require.NotNil(t, f, "findings: %+v", res.Findings)
		assert.False(t, f.Match)
		assert.Equal(t, "8900080412156", f.Registry)
	})
}

func findingOf(res verifier.Result, field string) *verifier.Finding {
	for i := range res.Findings {
		if res.Findings[i].Field == field {
			return &res.Findings[i]
		}
	}
	return nil
}
