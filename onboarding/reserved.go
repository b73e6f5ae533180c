package onboarding

import (
	"fmt"
	"slices"

	"github.com/openhcx/hcxonboard/verifier"
)

// reservedRequirements are the requirement IDs of the engine's own tasks.
// A verifier's requirement under one of them would be taken for the
// engine's task: its check passing would settle an identity dispute or an
// amendment nobody decided.
var reservedRequirements = []verifier.RequirementID{
	RequirementIdentityDispute, RequirementAmendment, RequirementCertificateExpired,
}

// checkVerifierPolicies refuses a verifier whose listed policies use a
// requirement ID the engine keeps for itself.
func (s *Service) checkVerifierPolicies() error {
	for _, p := range s.Policies() {
		for _, r := range p.Requirements {
			if slices.Contains(reservedRequirements, r.ID) {
				return fmt.Errorf("%w: WithVerifier: requirement %s of category %s: the engine keeps this ID for its own tasks; give the requirement another ID",
					ErrInvalidOption, r.ID, p.Category)
			}
		}
	}
	return nil
}

// reservedResult returns an error for a report that carries a result
// under a requirement ID the engine keeps for itself (a role verifier's,
// or a Verifier that lists no policies).
func reservedResult(rep *verifier.Report) error {
	for _, res := range rep.Requirements {
		if slices.Contains(reservedRequirements, res.ID) {
			return fmt.Errorf("onboarding: the verifier returned requirement %s, which the engine keeps for its own tasks; the operator must give it another ID", res.ID)
		}
	}
	return nil
}
