package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// An ISNP's IRDA registration number and user ID are each "if applicable"
// (guideline, ISNP rows 4 and 5): an ISNP that gives its IRDAI
// registration number is IRDAI-registered, and its user ID applies; one
// that gives neither owes neither.
func TestISNPRegisteredWithIRDAIOwesItsUserID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		number, user string
		want         verifier.Outcome
	}{
		{"IRDAI/WBA23/2019", "", verifier.Missing},
		{"IRDAI/WBA23/2019", "policypal-isnp", verifier.Satisfied},
		{"", "", verifier.Satisfied},
	} {
		app := loadApp(t, "isnp_ready.json")
		app.Identifiers.IRDARegistrationNumber, app.Identifiers.IRDAUserID = tc.number, tc.user
		rep, err := trustedChecker(t).Verify(context.Background(), app)
		require.NoError(t, err)
		uid, ok := rep.Result(verifier.ReqIRDAUserID)
		require.True(t, ok)
		assert.Equal(t, tc.want, uid.Outcome, "number %q, user %q: %s", tc.number, tc.user, uid.Message)
	}
}

// A PIN code printed in two groups, "562 114", is the PIN 562114 in
// facility details as it is when addresses are compared.
func TestPincodeInGroups(t *testing.T) {
	t.Parallel()
	for pin, want := range map[string]verifier.Outcome{"562 114": verifier.Satisfied, "562-114": verifier.Satisfied,
		"562114": verifier.Satisfied, "062 114": verifier.Invalid, "56 2114 1": verifier.Invalid, "5621": verifier.Invalid} {
		app := loadApp(t, "empanelled_provider_ready.json")
		app.Address.Pincode = pin
		rep, err := trustedChecker(t).Verify(context.Background(), app)
		require.NoError(t, err)
		fd, ok := rep.Result(verifier.ReqFacilityDetails)
		require.True(t, ok)
		assert.Equal(t, want, fd.Outcome, "%q: %s", pin, fd.Message)
	}
}
