package verifier

// common are the requirements of every category: the sandbox certificate
// (step 1), the participant's name and its mobile number (primary_mobile is
// mandatory in the HCX registry). They also apply when no category
// resolves, so that the report says why.
var common = []Requirement{
	builtin(ReqSandboxCertificate, "sandbox_certificate"),
	builtin(ReqParticipantName, "participant_name"),
	builtin(ReqMobile, "mobile"),
}

// req is one requirement of the built-in table: its ID and, when it is
// not named like the ID, its check.
func req(id RequirementID, check ...string) RequirementSpec {
	r := RequirementSpec{ID: id}
	if len(check) > 0 {
		r.Check = check[0]
	}
	return r
}

func spec(c Category, title string, reqs ...RequirementSpec) PolicySpec {
	all := []RequirementSpec{req(ReqSandboxCertificate), req(ReqParticipantName), req(ReqMobile)}
	return PolicySpec{Category: c, Title: title, Requirements: append(all, reqs...)}
}

// defaultSpecs is the guideline's table, in the form of a policy file.
func defaultSpecs() []PolicySpec {
	return []PolicySpec{
		spec(CategoryPayer, "Payers",
			req(ReqSignatoryLetter), req(ReqIRDARegistrationNumber, "irda_registration_number.payer"), req(ReqIRDAUserID),
			req(ReqRegisteredEmail), req(ReqSystemAdminOTP)),
		spec(CategoryStateScheme, "State schemes (agency.sponsor)",
			req(ReqGovernmentApprovalLetter), req(ReqSignatoryLetter), req(ReqRegisteredEmail), req(ReqSystemAdminOTP)),
		spec(CategoryCorporateSponsor, "Corporates paying for their employees (agency.sponsor)",
			req(ReqSignatoryLetter), req(ReqRegisteredEmail), req(ReqSystemAdminOTP)),
		spec(CategoryTPA, "TPAs (agency.tpa)",
			req(ReqSignatoryLetter), req(ReqIRDARegistrationNumber, "irda_registration_number.tpa"), req(ReqIRDAUserID),
			req(ReqRegisteredEmail), req(ReqSystemAdminOTP)),
		spec(CategoryISNP, "HIUs (like TSPs, ISNPs) and other user intermediaries (member.isnp)",
			req(ReqSignatoryLetter), req(ReqRegisteredEmail), req(ReqSystemAdminOTP),
			req(ReqIRDARegistrationNumber, "irda_registration_number.isnp"), req(ReqIRDAUserID, "irda_user_id.if_applicable")),
		spec(CategoryABDMProvider, "ABDM enrolled providers (HFR facility)",
			req(ReqHFRID), req(ReqHFRLookup), req(ReqHFRManagerOTP)),
		spec(CategoryABDMPractitioner, "ABDM enrolled health professionals (HPR)",
			req(ReqHPRID), req(ReqHPRCheck)),
		spec(CategoryRohiniProvider, "Non ABDM enrolled providers with ROHINI ID",
			req(ReqFacilityDetails, "facility_details.rohini"), req(ReqGSTIN), req(ReqRohiniID), req(ReqRohiniVerification)),
		spec(CategoryEmpanelledProvider, "Non ABDM enrolled providers with no ROHINI ID, empanelled with a payer or scheme",
			req(ReqFacilityDetails, "facility_details.empanelled"), req(ReqEmpanelmentPayer), req(ReqEmpanelmentProof), req(ReqPayerApproval)),
		spec(CategoryRegulator, "Regulators like IRDA, NHA, IIB or state regulators (agency.regulator); research and HIE/HIO.HCX case by case",
			req(ReqCaseReview)),
		spec(CategoryBSP, "Beneficiary facing platforms (BSP)",
			req(ReqRegisteredEmail), req(ReqGSTIN), req(ReqAddressProof), req(ReqStakeholdersServiced)),
	}
}

// DefaultPolicies returns the guideline's verification table as data: one
// policy per category, each starting with the requirements every category
// shares (sandbox_certificate, participant_name, mobile). The map is new on
// every call; change it freely and pass policies to [WithPolicy].
//
//   - payer: signatory_letter, irda_registration_number (1–3 digits),
//     irda_user_id, registered_email, system_admin_otp
//   - state_scheme: government_approval_letter, signatory_letter,
//     registered_email, system_admin_otp
//   - corporate_sponsor: signatory_letter, registered_email, system_admin_otp
//   - tpa: signatory_letter, irda_registration_number (3 digits),
//     irda_user_id, registered_email, system_admin_otp
//   - isnp: signatory_letter, registered_email, system_admin_otp, and
//     irda_registration_number and irda_user_id "if applicable" (satisfied
//     when absent, checked when given; an ISNP that gives its IRDAI
//     registration number is IRDAI-registered, and owes its user ID too)
//   - abdm_provider: hfr_id, hfr_lookup, hfr_manager_otp
//   - abdm_practitioner: hpr_id, hpr_check
//   - rohini_provider: facility_details (name, licence number, validity
//     date not past), gstin, rohini_id, rohini_verification
//   - empanelled_provider: facility_details (name, licence, facility
//     manager = system_admin, address), empanelment_payer,
//     empanelment_proof, payer_approval
//   - regulator: case_review
//   - bsp: registered_email, gstin, address_proof, stakeholders_serviced
func DefaultPolicies() map[Category]Policy {
	specs := defaultSpecs()
	m := make(map[Category]Policy, len(specs))
	for _, ps := range specs {
		p, err := ps.Policy()
		if err != nil {
			panic(err) // the built-in table names only built-in checks
		}
		m[p.Category] = p
	}
	return m
}
