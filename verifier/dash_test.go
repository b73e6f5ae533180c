package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// A word processor or a PDF turns the hyphens of a number into en or em
// dashes (U+2013, U+2014) or a non-breaking hyphen (U+2011); copied from
// there, the number is the same one, as a licence number so written
// already is (see the empanelment proof's binding).
func TestNumbersGroupedByTypographicDashes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"98765\u201343210", "+91\u201498765\u201343210", "098765\u201143210"} {
		got, err := verifier.NormalizeMobile(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, "9876543210", got)
	}
	got, err := verifier.NormalizeHPRID("71\u20133012\u20134567\u20138901")
	require.NoError(t, err)
	assert.Equal(t, "71-3012-4567-8901", got)
	gstin, err := verifier.NormalizeGSTIN("27\u2013AAPFU0939F\u20131ZV")
	require.NoError(t, err)
	assert.Equal(t, "27AAPFU0939F1ZV", gstin)

	_, err = verifier.NormalizeMobile("98765\u202243210") // a bullet is no dash
	assert.ErrorIs(t, err, verifier.ErrInvalidMobile)
}
