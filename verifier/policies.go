package verifier

import (
	"github.com/openhcx/hcxonboard"
)

// The built-in requirements. Several categories share one; the guideline's
// wording is kept in the descriptions.
var (
	reqSandboxCertificate = Requirement{ReqSandboxCertificate,
		"Compliance certification from the sandbox environment, valid and covering the roles applied for", checkSandboxCertificate}
	reqParticipantName = Requirement{ReqParticipantName,
		"Name of the organisation", checkParticipantName}
	reqMobile = Requirement{ReqMobile,
		"Mobile number (the registry's primary_mobile)", checkMobile}
	reqRegisteredEmail = Requirement{ReqRegisteredEmail,
		"Registered email id", checkRegisteredEmail}
	reqSystemAdminOTP = Requirement{ReqSystemAdminOTP,
		"System admin details for OTP authentication", checkSystemAdminOTP}
	reqSignatoryLetter = Requirement{ReqSignatoryLetter,
		"Letter from authorized signatory of the company seeking participation",
		RequireDocument(hcxonboard.DocSignatoryLetter, "letter from your authorised signatory")}
	reqGovernmentApprovalLetter = Requirement{ReqGovernmentApprovalLetter,
		"Government licence/approval letter",
		RequireDocument(hcxonboard.DocGovernmentApprovalLetter, "government licence or approval letter for the scheme")}
	reqIRDAUserID = Requirement{ReqIRDAUserID,
		"IRDA User ID", checkIRDAUserID(false)}
	reqIRDAUserIDIfApplicable = Requirement{ReqIRDAUserID,
		"IRDA User ID (if applicable)", checkIRDAUserID(true)}
	reqHFRID = Requirement{ReqHFRID,
		"HFR ID & Role/type", checkHFRID}
	reqHFRLookup = Requirement{ReqHFRLookup,
		"Automated lookup of the HFR ID in the ABDM registry: authenticity, availability and verification status", checkHFRLookup}
	reqHFRManagerOTP = Requirement{ReqHFRManagerOTP,
		"OTP authentication of the manager registered in HFR, who is told of the onboarding attempt", checkHFRManagerOTP}
	reqHPRID = Requirement{ReqHPRID,
		"HPR ID of the health professional", checkHPRID}
	reqHPRCheck = Requirement{ReqHPRCheck,
		"HPR credentials check (API based)", checkHPR}
	reqFacilityDetailsRohini = Requirement{ReqFacilityDetails,
		"Facility details: name, licence and its validity", checkFacilityDetailsRohini}
	reqFacilityDetailsEmpanelled = Requirement{ReqFacilityDetails,
		"Facility details: name, licence, facility manager details, location address", checkFacilityDetailsEmpanelled}
	reqGSTIN = Requirement{ReqGSTIN,
		"GSTN", checkGSTIN}
	reqRohiniID = Requirement{ReqRohiniID,
		"ROHINI ID", checkRohiniID}
	reqRohiniVerification = Requirement{ReqRohiniVerification,
		"Verification of the submitted details with the ROHINI database (lookup or manual verification by ROHINI admin)", checkRohiniVerification}
	reqEmpanelmentPayer = Requirement{ReqEmpanelmentPayer,
		"Payer ID/name or name of the scheme that has empanelled the provider", checkEmpanelmentPayer}
	reqEmpanelmentProof = Requirement{ReqEmpanelmentProof,
		"Empanelment proof: a copy of a physical proof, or a digitally signed proof from the payer/scheme", checkEmpanelmentProof}
	reqPayerApproval = Requirement{ReqPayerApproval,
		"Approval by the payer/scheme authority that the facility is empanelled with it", checkPayerApproval}
	reqCaseReview = Requirement{ReqCaseReview,
		"Worked on a case to case basis based on need", checkCaseReview}
	reqAddressProof = Requirement{ReqAddressProof,
		"Registered address proof",
		RequireDocument(hcxonboard.DocAddressProof, "proof of your registered address")}
	reqStakeholdersServiced = Requirement{ReqStakeholdersServiced,
		"Stakeholders serviced (policyholder for now)", checkStakeholders}
)

func irdaRegistration(role hcxonboard.Role, optional bool) Requirement {
	desc := "IRDA registration number/licence number"
	if optional {
		desc += " (if applicable)"
	}
	return Requirement{ReqIRDARegistrationNumber, desc, checkIRDARegistration(role, optional)}
}

// common are the requirements of every category: the sandbox certificate
// (step 1), the participant's name and its mobile number (primary_mobile is
// mandatory in the HCX registry). They also apply when no category
// resolves, so that the report says why.
var common = []Requirement{reqSandboxCertificate, reqParticipantName, reqMobile}

func policy(c Category, title string, reqs ...Requirement) Policy {
	all := make([]Requirement, 0, len(common)+len(reqs))
	all = append(all, common...)
	return Policy{Category: c, Title: title, Requirements: append(all, reqs...)}
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
//     when absent, checked when given)
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
	ps := []Policy{
		policy(CategoryPayer, "Payers",
			reqSignatoryLetter, irdaRegistration(hcxonboard.RolePayer, false), reqIRDAUserID,
			reqRegisteredEmail, reqSystemAdminOTP),
		policy(CategoryStateScheme, "State schemes (agency.sponsor)",
			reqGovernmentApprovalLetter, reqSignatoryLetter, reqRegisteredEmail, reqSystemAdminOTP),
		policy(CategoryCorporateSponsor, "Corporates paying for their employees (agency.sponsor)",
			reqSignatoryLetter, reqRegisteredEmail, reqSystemAdminOTP),
		policy(CategoryTPA, "TPAs (agency.tpa)",
			reqSignatoryLetter, irdaRegistration(hcxonboard.RoleTPA, false), reqIRDAUserID,
			reqRegisteredEmail, reqSystemAdminOTP),
		policy(CategoryISNP, "HIUs (like TSPs, ISNPs) and other user intermediaries (member.isnp)",
			reqSignatoryLetter, reqRegisteredEmail, reqSystemAdminOTP,
			irdaRegistration(hcxonboard.RoleISNP, true), reqIRDAUserIDIfApplicable),
		policy(CategoryABDMProvider, "ABDM enrolled providers (HFR facility)",
			reqHFRID, reqHFRLookup, reqHFRManagerOTP),
		policy(CategoryABDMPractitioner, "ABDM enrolled health professionals (HPR)",
			reqHPRID, reqHPRCheck),
		policy(CategoryRohiniProvider, "Non ABDM enrolled providers with ROHINI ID",
			reqFacilityDetailsRohini, reqGSTIN, reqRohiniID, reqRohiniVerification),
		policy(CategoryEmpanelledProvider, "Non ABDM enrolled providers with no ROHINI ID, empanelled with a payer or scheme",
			reqFacilityDetailsEmpanelled, reqEmpanelmentPayer, reqEmpanelmentProof, reqPayerApproval),
		policy(CategoryRegulator, "Regulators like IRDA, NHA, IIB or state regulators (agency.regulator); research and HIE/HIO.HCX case by case",
			reqCaseReview),
		policy(CategoryBSP, "Beneficiary facing platforms (BSP)",
			reqRegisteredEmail, reqGSTIN, reqAddressProof, reqStakeholdersServiced),
	}
	m := make(map[Category]Policy, len(ps))
	for _, p := range ps {
		m[p.Category] = p
	}
	return m
}
