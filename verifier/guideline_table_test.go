package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// TestDefaultPoliciesAreTheGuidelinesTable holds each category to the
// guideline's "Verification Details", row by row, in the requirement IDs
// of the architecture: every row starts with the sandbox certificate
// (step 1), the name and the registry's mandatory primary_mobile.
func TestDefaultPoliciesAreTheGuidelinesTable(t *testing.T) {
	t.Parallel()
	shared := []verifier.RequirementID{"sandbox_certificate", "participant_name", "mobile"}
	for cat, rest := range map[verifier.Category][]verifier.RequirementID{
		// Letter, IRDA registration number, IRDA user ID, registered e-mail, system admin OTP.
		"payer": {"signatory_letter", "irda_registration_number", "irda_user_id", "registered_email", "system_admin_otp"},
		// Government licence/approval letter, letter, e-mail, system admin OTP.
		"state_scheme": {"government_approval_letter", "signatory_letter", "registered_email", "system_admin_otp"},
		// Letter, e-mail, system admin OTP.
		"corporate_sponsor": {"signatory_letter", "registered_email", "system_admin_otp"},
		// As payers.
		"tpa": {"signatory_letter", "irda_registration_number", "irda_user_id", "registered_email", "system_admin_otp"},
		// Letter, e-mail, system admin OTP, IRDA number and user ID if applicable.
		"isnp": {"signatory_letter", "registered_email", "system_admin_otp", "irda_registration_number", "irda_user_id"},
		// HFR ID and type, look-up and verification status, the HFR manager's OTP.
		"abdm_provider": {"hfr_id", "hfr_lookup", "hfr_manager_otp"},
		// HPR ID with OTP or API check.
		"abdm_practitioner": {"hpr_id", "hpr_check"},
		// Name, licence, validity, GSTN; ROHINI ID; verified with ROHINI.
		"rohini_provider": {"facility_details", "gstin", "rohini_id", "rohini_verification"},
		// Facility details; payer or scheme; empanelment proof; the payer's approval.
		"empanelled_provider": {"facility_details", "empanelment_payer", "empanelment_proof", "payer_approval"},
		// Case by case.
		"regulator": {"case_review"},
		// Name, e-mail, mobile, GSTN, address proof, stakeholders, sandbox certification.
		"bsp": {"registered_email", "gstin", "address_proof", "stakeholders_serviced"},
	} {
		p, ok := verifier.DefaultPolicies()[cat]
		if !assert.True(t, ok, cat) {
			continue
		}
		var got []verifier.RequirementID
		for _, r := range p.Requirements {
			got = append(got, r.ID)
		}
		assert.Equal(t, append(append([]verifier.RequirementID(nil), shared...), rest...), got, cat)
	}
}
