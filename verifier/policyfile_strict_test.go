package verifier_test

import (
	"strings"
	"testing"

	"github.com/openhcx/hcxonboard/verifier"
)

// A member given twice, or again in another case, would silently replace
// the first: an operator whose file (say, after a merge) carries
// "policies" twice would lose the first list without a word, and "check"
// given twice would run the second check under the requirement. The file
// is read as strictly as an application: both are refused.
func TestPolicyFileRefusesDuplicateOrCaseFoldedMembers(t *testing.T) {
	stricter := `[{"category": "payer", "requirements": [{"id": "sandbox_certificate"}, {"id": "participant_name"}, {"id": "mobile"},
	  {"id": "irda_licence", "check": "document:irda_licence", "description": "Copy of the IRDAI certificate of registration"}]}]`
	for name, file := range map[string]string{
		"policies twice":           `{"version": 1, "policies": ` + stricter + `, "policies": []}`,
		"policies again in a case": `{"version": 1, "policies": ` + stricter + `, "Policies": []}`,
		"check twice": `{"version": 1, "policies": [{"category": "payer", "requirements": [
		  {"id": "sandbox_certificate", "check": "sandbox_certificate", "check": "participant_name"}]}]}`,
		"keys in another case": `{"Version": 1, "POLICIES": [{"Category": "payer", "Requirements": [{"ID": "sandbox_certificate"}]}]}`,
	} {
		f, err := verifier.ParsePolicyFile(strings.NewReader(file))
		if err == nil {
			t.Errorf("%s: accepted; policies read: %+v", name, f.Policies)
		}
	}
}
