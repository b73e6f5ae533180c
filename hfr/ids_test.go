package hfr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
)

func TestNormalizeFacilityID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"IN2910000123", "IN2910000123", true},
		{" in2910000123 ", "IN2910000123", true},
		{"IN29AB000123", "IN29AB000123", true},
		{"IN291000012", "", false},
		{"IN29100001234", "", false},
		{"XN2910000123", "", false},
		{"IN29-0000123", "", false},
		{"IN２910000123", "", false},
		{"", "", false},
		{"123456", "", false}, // the 6-digit dedup "facilityId" is not an HFR ID
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := hfr.NormalizeFacilityID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, hfr.ErrInvalidID)
				assert.Contains(t, err.Error(), "facility ID")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeHPRID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"71-1234-5678-9012", "71-1234-5678-9012", true},
		{"71123456789012", "71-1234-5678-9012", true},
		{"71 1234 5678 9012", "71-1234-5678-9012", true}, // as the card prints it, spaced
		{" 71 1234-5678 9012 ", "71-1234-5678-9012", true},
		{"71  1234 5678 9012", "", false},
		{"71_1234_5678_9012", "", false},
		{" Asha.Rao@HPR.abdm ", "asha.rao@hpr.abdm", true},
		{"a_b-c@hpr.abdm", "a_b-c@hpr.abdm", true},
		{"71-1234-5678-901", "", false},
		{"711-234-5678-9012", "", false},
		{"7112345678901", "", false},
		{"71-1234-5678-901X", "", false},
		{"ab@hpr.abdm", "", false},
		{".abc@hpr.abdm", "", false},
		{"asha.rao@abdm", "", false},
		{"asha.rao", "", false},
		{"asha rao@hpr.abdm", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := hfr.NormalizeHPRID(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, hfr.ErrInvalidID)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFacilityIsDraft(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]bool{"Draft": true, "DRAFT": true, " draft ": true, "Submitted": false, "Verified": false, "": false, "Drafted": false} {
		assert.Equal(t, want, hfr.Facility{Status: status}.IsDraft(), status)
	}
}

// Personal data typed into the facility ID field by mistake — a mobile,
// an e-mail, an HPR number — is quoted masked; a malformed facility ID is
// quoted as typed, to show what is wrong with it.
func TestMalformedFacilityIDQuotedMasked(t *testing.T) {
	t.Parallel()
	for in, shown := range map[string]string{
		"9876543210":           `"******3210"`,
		"asha.rao@example.org": `"a*******@example.org"`,
		"71-1234-5678-9012":    `"**-****-****-9012"`,
		"IN29100001234":        `"IN29100001234"`,
	} {
		_, err := hfr.NormalizeFacilityID(in)
		require.ErrorIs(t, err, hfr.ErrInvalidID)
		assert.Contains(t, err.Error(), shown)
		if shown != `"`+in+`"` {
			assert.NotContains(t, err.Error(), in)
		}
	}
}
