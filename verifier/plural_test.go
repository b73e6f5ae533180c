package verifier_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/rohini"
	"github.com/openhcx/hcxonboard/verifier"
)

// wrongPlural is a count of one with a plural noun: "has 1 digits".
var wrongPlural = regexp.MustCompile(`\b1 (digits|characters|letters|bytes)\b`)

// An identifier one character long is told so in the singular: "has 1
// digit", "has 1 character", never "has 1 digits".
func TestIdentifierProblemsCountInTheSingular(t *testing.T) {
	t.Parallel()
	_, mobileErr := verifier.NormalizeMobile("9")
	_, gstinErr := verifier.NormalizeGSTIN("2")
	_, hprErr := verifier.NormalizeHPRID("1")
	_, hprUserErr := verifier.NormalizeHPRID("a@" + verifier.HPRDomain)
	for name, err := range map[string]error{
		"mobile":   mobileErr,
		"GSTIN":    gstinErr,
		"HFR ID":   verifier.ValidateHFRID("I"),
		"HPR ID":   hprErr,
		"HPR user": hprUserErr,
		"TPA IRDA": verifier.ValidateIRDARegistration("3", hcxonboard.RoleTPA),
		"ROHINI":   rohini.Validate("8"),
	} {
		require.Error(t, err, name)
		assert.NotRegexp(t, wrongPlural, err.Error(), name)
		assert.Regexp(t, `\b1 (digit|character)\b`, err.Error(), name)
	}
}
