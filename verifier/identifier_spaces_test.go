package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// An HPR number, a GSTIN or a PIN code copied from a web page or a PDF
// comes grouped by a no-break (U+00A0), narrow no-break (U+202F) or thin
// (U+2009) space. Each reads as the same value grouped by plain spaces
// does, as a mobile number does; other characters are still refused.
func TestIdentifiersGroupedByUnicodeSpaces(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"71\u00a03012\u00a04567\u00a08901", "71\u202f3012\u202f4567\u202f8901", "71-3012\u20094567-8901"} {
		got, err := verifier.NormalizeHPRID(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, "71-3012-4567-8901", got)
	}
	_, err := verifier.NormalizeHPRID("71\u200b3012\u200b4567\u200b8901")
	assert.ErrorIs(t, err, verifier.ErrInvalidHPRID, "a zero-width space is not a space")

	for _, in := range []string{"27AAPFU0939F1ZV\u00a0", "27\u00a0AAPFU0939F\u00a01ZV", "27aapfu0939f\u202f1zv"} {
		got, err := verifier.NormalizeGSTIN(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, "27AAPFU0939F1ZV", got)
	}
	_, err = verifier.NormalizeGSTIN("27AAPFU\u200b0939F1ZV")
	assert.ErrorIs(t, err, verifier.ErrInvalidGSTIN)

	app := loadApp(t, "empanelled_provider_ready.json")
	app.Address.Pincode = "562\u00a0114"
	rep, err := offlineChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	res, ok := rep.Result(verifier.ReqFacilityDetails)
	require.True(t, ok)
	assert.Equal(t, verifier.Satisfied, res.Outcome, res.Message)

	app.Address.Pincode = "562\u200b114"
	rep, err = offlineChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	res, _ = rep.Result(verifier.ReqFacilityDetails)
	assert.Equal(t, verifier.Invalid, res.Outcome, res.Message)
}
