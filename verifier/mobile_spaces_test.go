package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A mobile number copied from a web page, a PDF or a word processor comes
// grouped by a no-break space (U+00A0), a narrow no-break space (U+202F)
// or a thin space (U+2009). It is the same number, and is taken as one
// grouped by plain spaces is; other characters still are not.
func TestNormalizeMobileUnicodeSpaces(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"98765\u00a043210", "+91\u00a098765\u00a043210", "098765\u202f43210", "+91\u200998765\u200943210", "\u00a09876543210\u00a0",
	} {
		got, err := verifier.NormalizeMobile(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, "9876543210", got, "%q", in)
	}
	for in, problem := range map[string]string{
		"98765\u200b43210": `contains '\u200b'`, // a zero-width space is not a space separator
		"98765\u00b743210": `contains '·'`,
		"98765\u00a04321":  "has 9 digits",
		"58765\u00a043210": "starts with 5",
	} {
		_, err := verifier.NormalizeMobile(in)
		assertRuleError(t, err, verifier.ErrInvalidMobile, problem)
	}

	app := loadApp(t, "payer_ready.json")
	app.PrimaryMobile = "+91\u00a098765\u00a043210"
	app.SystemAdmin = &hcxonboard.Contact{Name: "Anita Rao", Mobile: "98765\u00a043211"}
	rep, err := trustedChecker(t).Verify(context.Background(), app)
	require.NoError(t, err)
	for _, id := range []verifier.RequirementID{verifier.ReqMobile, verifier.ReqSystemAdminOTP} {
		res, ok := rep.Result(id)
		require.True(t, ok)
		assert.NotEqual(t, verifier.Invalid, res.Outcome, "%s: %s", id, res.Message)
	}
}
