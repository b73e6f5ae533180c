package verifier_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// Requirements say which document kind they ask for: the guideline's
// document requirements, a policy file's "document:<kind>" checks and
// DocumentRequirement; other requirements name none.
func TestRequirementsNameTheirDocumentKind(t *testing.T) {
	t.Parallel()
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version":1,"policies":[
	 {"category":"research","roles":["research"],"requirements":[
	   {"id":"sandbox_certificate"},{"id":"signatory_letter"},
	   {"id":"ethics_approval","check":"document:ethics_approval","description":"Approval of an ethics committee"}]}]}`))
	require.NoError(t, err)
	c, err := verifier.New(verifier.WithPolicyFile(f))
	require.NoError(t, err)
	byID := map[verifier.RequirementID]string{}
	for _, p := range c.Policies() {
		for _, r := range p.Requirements {
			if r.Document != "" {
				byID[r.ID] = r.Document
			}
		}
	}
	assert.Equal(t, "ethics_approval", byID["ethics_approval"])
	assert.Equal(t, hcxonboard.DocSignatoryLetter, byID[verifier.ReqSignatoryLetter])
	assert.Equal(t, hcxonboard.DocAddressProof, byID[verifier.ReqAddressProof])
	assert.Equal(t, hcxonboard.DocGovernmentApprovalLetter, byID[verifier.ReqGovernmentApprovalLetter])
	assert.Empty(t, byID[verifier.ReqSandboxCertificate])
	kinds := verifier.DocumentKinds(c.Policies()...)
	assert.Contains(t, kinds, "ethics_approval")
	assert.Len(t, kinds, len(byID)-countDuplicateKinds(byID), "each kind once")

	r := verifier.DocumentRequirement("irda_licence", hcxonboard.DocIRDALicence, "Copy of the IRDAI certificate of registration")
	assert.Equal(t, hcxonboard.DocIRDALicence, r.Document)
	assert.Equal(t, []string{hcxonboard.DocIRDALicence}, verifier.DocumentKinds(verifier.Policy{Requirements: []verifier.Requirement{r, r}}))
}

func countDuplicateKinds(byID map[verifier.RequirementID]string) int {
	seen, dup := map[string]bool{}, 0
	for _, k := range byID {
		if seen[k] {
			dup++
		}
		seen[k] = true
	}
	return dup
}
