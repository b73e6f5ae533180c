package bulk_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/examples/bulk/internal/bulk"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

var genNow = time.Date(2026, time.November, 25, 10, 0, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := bulk.Generate(bulk.GenerateOptions{Rows: 300, Seed: 42, Now: genNow})
	require.NoError(t, err)
	b, err := bulk.Generate(bulk.GenerateOptions{Rows: 300, Seed: 42, Now: genNow})
	require.NoError(t, err)
	assert.Equal(t, a, b, "same seed, same list")
	c, err := bulk.Generate(bulk.GenerateOptions{Rows: 300, Seed: 43, Now: genNow})
	require.NoError(t, err)
	assert.NotEqual(t, a, c, "another seed, another list")
}

func TestGenerateMix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rows     int
		rareEach map[bulk.Kind]int
	}{
		{rows: 200, rareEach: map[bulk.Kind]int{
			bulk.KindHFRUnknown: 1, bulk.KindHFRDraft: 1, bulk.KindHFRMalformed: 1, bulk.KindBadMobile: 1,
			bulk.KindRohiniUnknown: 1, bulk.KindRohiniSuspended: 1, bulk.KindRohiniCheckDigit: 1, bulk.KindBadGSTIN: 1,
			bulk.KindExpiredLicence: 1}},
		{rows: bulk.DefaultRows, rareEach: map[bulk.Kind]int{
			bulk.KindHFRUnknown: 40, bulk.KindHFRDraft: 25, bulk.KindHFRMalformed: 25, bulk.KindBadMobile: 20,
			bulk.KindRohiniUnknown: 40, bulk.KindRohiniSuspended: 40, bulk.KindRohiniCheckDigit: 25, bulk.KindBadGSTIN: 40,
			bulk.KindExpiredLicence: 25}},
		{rows: 20, rareEach: map[bulk.Kind]int{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rows), func(t *testing.T) {
			t.Parallel()
			gen, err := bulk.Generate(bulk.GenerateOptions{Rows: tt.rows, Seed: 1, Now: genNow})
			require.NoError(t, err)
			require.Len(t, gen, tt.rows)
			kinds := map[bulk.Kind]int{}
			for _, g := range gen {
				kinds[g.Kind]++
			}
			rare := 0
			for k, n := range tt.rareEach {
				assert.Equal(t, n, kinds[k], "kind %s", k)
				rare += n
			}
			ordinary := tt.rows - rare
			assert.Equal(t, ordinary*45/100, kinds[bulk.KindHFR])
			assert.Equal(t, ordinary*30/100, kinds[bulk.KindRohini])
			assert.Equal(t, ordinary-kinds[bulk.KindHFR]-kinds[bulk.KindRohini], kinds[bulk.KindEmpanelled])
		})
	}
}

// TestGenerateRows checks each row against what its kind promises: the
// ids are well formed (or broken in the way the kind says), unique, and
// the awkward rows are marked for the demo registries.
func TestGenerateRows(t *testing.T) {
	t.Parallel()
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: 3000, Seed: 9, Now: genNow})
	require.NoError(t, err)
	hfrID := regexp.MustCompile(`^IN(0[3-9]|1[089]|2[0-9]|3[236])\d{8}$`)
	pin := regexp.MustCompile(`^[1-9]\d{5}$`)
	seenHFR, seenRohini, seenKey := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, g := range gen {
		r := g.Row
		assert.Equal(t, i+2, r.Line)
		assert.False(t, seenKey[r.Key], "key %s repeated", r.Key)
		seenKey[r.Key] = true
		assert.NotEmpty(t, r.HospitalName)
		assert.Regexp(t, pin, r.Pincode)
		assert.NoError(t, verifier.ValidateEmail(r.Email))
		assert.NoError(t, verifier.ValidateEmail(r.AdminEmail))
		_, err := verifier.NormalizeMobile(r.AdminMobile)
		assert.NoError(t, err)
		assert.Len(t, r.ProofSHA256, 64)
		assert.Equal(t, bulk.SchemeName, r.Scheme)

		switch g.Kind {
		case bulk.KindHFR, bulk.KindHFRUnknown, bulk.KindHFRDraft, bulk.KindBadMobile:
			assert.Regexp(t, hfrID, r.HFRID)
			assert.False(t, seenHFR[r.HFRID], "HFR id %s repeated", r.HFRID)
			seenHFR[r.HFRID] = true
			assert.Empty(t, r.RohiniID)
		case bulk.KindHFRMalformed:
			assert.Error(t, verifier.ValidateHFRID(r.HFRID), r.HFRID)
		case bulk.KindRohini, bulk.KindRohiniUnknown, bulk.KindRohiniSuspended, bulk.KindBadGSTIN:
			assert.NoError(t, rohini.Validate(r.RohiniID))
			assert.False(t, seenRohini[r.RohiniID], "ROHINI id %s repeated", r.RohiniID)
			seenRohini[r.RohiniID] = true
			assert.Empty(t, r.HFRID)
		case bulk.KindRohiniCheckDigit:
			assert.ErrorIs(t, rohini.Validate(r.RohiniID), rohini.ErrInvalidID)
			assert.Len(t, r.RohiniID, rohini.IDLength)
		case bulk.KindEmpanelled, bulk.KindExpiredLicence:
			assert.Empty(t, r.HFRID)
			assert.Empty(t, r.RohiniID)
			assert.NotEmpty(t, r.EmpanelmentID)
			assert.NotEmpty(t, r.PayerCode)
		}

		switch g.Kind {
		case bulk.KindRohini, bulk.KindRohiniUnknown, bulk.KindRohiniSuspended, bulk.KindRohiniCheckDigit:
			assert.NoError(t, verifier.ValidateGSTIN(r.GSTIN))
		case bulk.KindBadGSTIN:
			assert.ErrorIs(t, verifier.ValidateGSTIN(r.GSTIN), verifier.ErrInvalidGSTIN)
		}
		switch g.Kind {
		case bulk.KindBadMobile:
			_, err := verifier.NormalizeMobile(r.Mobile)
			assert.Error(t, err, r.Mobile)
		default:
			_, err := verifier.NormalizeMobile(r.Mobile)
			assert.NoError(t, err, r.Mobile)
		}
		until, err := time.Parse(time.DateOnly, r.LicenceValidUntil)
		require.NoError(t, err)
		assert.Equal(t, g.Kind == bulk.KindExpiredLicence, until.Before(genNow), "licence %s of a %s row", r.LicenceValidUntil, g.Kind)

		want := map[bulk.Kind]string{bulk.KindHFRUnknown: bulk.DemoAbsent, bulk.KindRohiniUnknown: bulk.DemoAbsent,
			bulk.KindHFRDraft: bulk.DemoDraft, bulk.KindRohiniSuspended: bulk.DemoSuspended}[g.Kind]
		assert.Equal(t, want, r.DemoRegistry)
	}
}

func TestGenerateRejectsRowCount(t *testing.T) {
	t.Parallel()
	for _, n := range []int{-1, bulk.MaxRows + 1} {
		_, err := bulk.Generate(bulk.GenerateOptions{Rows: n})
		assert.ErrorContains(t, err, "outside 1..")
	}
	gen, err := bulk.Generate(bulk.GenerateOptions{Rows: 1, Now: genNow})
	require.NoError(t, err)
	assert.Len(t, gen, 1)
}

func TestKindExpect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind     bulk.Kind
		outcome  string
		decisive verifier.RequirementID
	}{
		{bulk.KindHFR, bulk.OutcomeOTP, ""},
		{bulk.KindRohini, bulk.OutcomeReady, ""},
		{bulk.KindEmpanelled, bulk.OutcomeApproval, ""},
		{bulk.KindRohiniSuspended, bulk.OutcomeReview, ""},
		{bulk.KindHFRMalformed, bulk.OutcomeRejected, verifier.ReqHFRID},
		{bulk.KindBadGSTIN, bulk.OutcomeRejected, verifier.ReqGSTIN},
		{bulk.Kind("nonsense"), bulk.OutcomeOther, ""},
	}
	for _, tt := range tests {
		outcome, decisive := tt.kind.Expect()
		assert.Equal(t, tt.outcome, outcome, tt.kind)
		assert.Equal(t, tt.decisive, decisive, tt.kind)
	}
}
