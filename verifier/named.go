package verifier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard"
)

// ErrUnknownCheck: a policy file names a check this package does not
// have, or names none for a requirement whose ID no check is named like.
var ErrUnknownCheck = errors.New("verifier: unknown check")

// namedCheck is a built-in check as a policy file names it, with the
// guideline's words for what it wants.
type namedCheck struct {
	name        string
	description string
	check       Check
}

// builtinDocuments are the document kinds the built-in document checks
// ask for (Requirement.Document), by check name.
var builtinDocuments = map[string]string{
	"signatory_letter":           hcxonboard.DocSignatoryLetter,
	"government_approval_letter": hcxonboard.DocGovernmentApprovalLetter,
	"address_proof":              hcxonboard.DocAddressProof,
}

// The prefix of the document checks: "document:<kind>" wants a document of
// that kind (see RequireDocument).
const documentCheckPrefix = "document:"

// checkReview names the check that leaves a requirement to staff.
const checkReview = "review"

// builtinChecks are the checks a policy file may name, in the order of
// the guideline's table. A requirement's check defaults to the one named
// like its ID; the IRDA checks and facility_details come in variants.
var builtinChecks = []namedCheck{
	{"sandbox_certificate", "Compliance certification from the sandbox environment, valid and covering the roles applied for", checkSandboxCertificate},
	{"participant_name", "Name of the organisation", checkParticipantName},
	{"mobile", "Mobile number (the registry's primary_mobile)", checkMobile},
	{"registered_email", "Registered email id", checkRegisteredEmail},
	{"system_admin_otp", "System admin details for OTP authentication", checkSystemAdminOTP},
	{"signatory_letter", "Letter from authorized signatory of the company seeking participation",
		RequireDocument(hcxonboard.DocSignatoryLetter, "letter from your authorised signatory")},
	{"government_approval_letter", "Government licence/approval letter",
		RequireDocument(hcxonboard.DocGovernmentApprovalLetter, "government licence or approval letter for the scheme")},
	{"irda_registration_number.payer", "IRDA registration number/licence number", checking(IdentityIRDA, checkIRDARegistration(hcxonboard.RolePayer, false))},
	{"irda_registration_number.tpa", "IRDA registration number/licence number", checking(IdentityIRDA, checkIRDARegistration(hcxonboard.RoleTPA, false))},
	{"irda_registration_number.isnp", "IRDA registration number/licence number (if applicable)", checking(IdentityIRDA, checkIRDARegistration(hcxonboard.RoleISNP, true))},
	{"irda_user_id", "IRDA User ID", checking(IdentityIRDA, checkIRDAUserID(false))},
	{"irda_user_id.if_applicable", "IRDA User ID (if applicable)", checking(IdentityIRDA, checkIRDAUserID(true))},
	{"hfr_id", "HFR ID & Role/type", checking(IdentityHFR, checkHFRID)},
	{"hfr_lookup", "Automated lookup of the HFR ID in the ABDM registry: authenticity, availability and verification status", checking(IdentityHFR, checkHFRLookup)},
	{"hfr_manager_otp", "OTP authentication of the manager registered in HFR, who is told of the onboarding attempt", checking(IdentityHFR, checkHFRManagerOTP)},
	{"hpr_id", "HPR ID of the health professional", checking(IdentityHPR, checkHPRID)},
	{"hpr_check", "HPR credentials check (API based)", checking(IdentityHPR, checkHPR)},
	{"facility_details.rohini", "Facility details: name, licence and its validity", checkFacilityDetailsRohini},
	{"facility_details.empanelled", "Facility details: name, licence, facility manager details, location address", checkFacilityDetailsEmpanelled},
	{"gstin", "GSTN", checkGSTIN},
	{"rohini_id", "ROHINI ID", checking(IdentityRohini, checkRohiniID)},
	{"rohini_verification", "Verification of the submitted details with the ROHINI database (lookup or manual verification by ROHINI admin)", checking(IdentityRohini, checkRohiniVerification)},
	{"empanelment_payer", "Payer ID/name or name of the scheme that has empanelled the provider", checkEmpanelmentPayer},
	{"empanelment_proof", "Empanelment proof: a copy of a physical proof, or a digitally signed proof from the payer/scheme", checkEmpanelmentProof},
	{"payer_approval", "Approval by the payer/scheme authority that the facility is empanelled with it", checkPayerApproval},
	{"case_review", "Worked on a case to case basis based on need", checkCaseReview},
	{"address_proof", "Registered address proof", RequireDocument(hcxonboard.DocAddressProof, "proof of your registered address")},
	{"stakeholders_serviced", "Stakeholders serviced (policyholder for now)", checkStakeholders},
}

// checking marks the results of check, a built-in check of a registry's
// id, with that registry (Result.Identity).
func checking(registry string, check Check) Check {
	return func(ctx context.Context, in *Input) Result {
		r := check(ctx, in)
		r.Identity = registry
		return r
	}
}

func lookupCheck(name string) (namedCheck, bool) {
	for _, c := range builtinChecks {
		if c.name == name {
			return c, true
		}
	}
	return namedCheck{}, false
}

// builtin returns the built-in requirement id decided by the check name.
func builtin(id RequirementID, name string) Requirement {
	c, ok := lookupCheck(name)
	if !ok {
		panic("verifier: no built-in check " + name)
	}
	return Requirement{ID: id, Description: c.description, Check: c.check, Document: builtinDocuments[c.name]}
}

// CheckNames lists the names of the checks a policy file may use: the
// built-in checks, "review" (staff decide: see [RequireReview]) and
// "document:<kind>" (a document of that kind: see [RequireDocument]).
func CheckNames() []string {
	out := make([]string, 0, len(builtinChecks)+2)
	for _, c := range builtinChecks {
		out = append(out, c.name)
	}
	return append(out, checkReview, documentCheckPrefix+"<kind>")
}

// RequireReview returns a Check that leaves its requirement pending review
// (task review): a person at the operator decides, and the onboarding
// engine opens a review task for it. what says what they check, in words
// for the applicant ("a site visit to the registered premises"). It is
// the "review" check of a policy file.
func RequireReview(what string) Check {
	msg := "The HCX operator checks this by hand: " + what
	return func(context.Context, *Input) Result {
		return pending(TaskReview, msg)
	}
}

// MaxDocumentKind is the longest document kind a "document:<kind>" check
// may name.
const MaxDocumentKind = 64

// namedRequirement builds the requirement a policy file describes.
func namedRequirement(id RequirementID, check, description string) (Requirement, error) {
	if check == "" {
		check = string(id)
	}
	description = strings.TrimSpace(description)
	switch {
	case check == checkReview:
		if description == "" {
			return Requirement{}, fmt.Errorf("check %q needs a description: what staff check, in words for the applicant", check)
		}
		return Requirement{ID: id, Description: description, Check: RequireReview(lowerFirst(description))}, nil
	case strings.HasPrefix(check, documentCheckPrefix):
		kind := strings.TrimPrefix(check, documentCheckPrefix)
		if p := documentKindProblem(kind); p != "" {
			return Requirement{}, fmt.Errorf("check %q: %s", shown(check), p)
		}
		if description == "" {
			return Requirement{}, fmt.Errorf("check %q needs a description: the document, in words for the applicant", shown(check))
		}
		return DocumentRequirement(id, kind, description), nil
	}
	c, ok := lookupCheck(check)
	if !ok {
		return Requirement{}, fmt.Errorf("%w %q; the checks are %s", ErrUnknownCheck, shown(check), strings.Join(CheckNames(), ", "))
	}
	if description == "" {
		description = c.description
	}
	return Requirement{ID: id, Description: description, Check: c.check, Document: builtinDocuments[c.name]}, nil
}

// documentKindProblem says why kind cannot name a document kind, or "".
func documentKindProblem(kind string) string {
	if kind == "" || len(kind) > MaxDocumentKind {
		return fmt.Sprintf("a document kind has 1–%d characters", MaxDocumentKind)
	}
	for i := 0; i < len(kind); i++ {
		if c := kind[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "a document kind is lower-case letters, digits and '_' (such as " + hcxonboard.DocIRDALicence + ")"
		}
	}
	return ""
}

// lowerFirst lowers the first letter of a description used inside a
// sentence ("Copy of the licence" → "copy of the licence"), unless the
// first word is an acronym ("IRDAI certificate" stays).
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
