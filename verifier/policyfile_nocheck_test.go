package verifier_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// A requirement without "check" is decided by the check named like its
// ID. When there is none, the error says so, rather than naming a check
// the operator never wrote.
func TestPolicyFileRequirementWithoutCheck(t *testing.T) {
	t.Parallel()
	_, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [{"category": "tpa",
	  "requirements": [{"id": "irda_licence", "description": "Copy of the IRDAI certificate"}]}]}`))
	assert.ErrorIs(t, err, verifier.ErrUnknownCheck)
	assert.ErrorContains(t, err, `policies[0]: tpa: requirement irda_licence has no "check", and no check is named irda_licence; give "check": one of sandbox_certificate, participant_name,`)
	assert.ErrorContains(t, err, "review, document:<kind>")
	assert.Equal(t, 1, strings.Count(err.Error(), "verifier:"), err.Error())
}
