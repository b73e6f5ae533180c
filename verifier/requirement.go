package verifier

import (
	"context"
	"log/slog"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
)

// RequirementID names one requirement. The IDs are a stable contract: tools
// and tests match on them.
type RequirementID string

// The requirement IDs of the built-in policies.
const (
	ReqSandboxCertificate       RequirementID = "sandbox_certificate"
	ReqParticipantName          RequirementID = "participant_name"
	ReqRegisteredEmail          RequirementID = "registered_email"
	ReqMobile                   RequirementID = "mobile"
	ReqSystemAdminOTP           RequirementID = "system_admin_otp"
	ReqSignatoryLetter          RequirementID = "signatory_letter"
	ReqGovernmentApprovalLetter RequirementID = "government_approval_letter"
	ReqIRDARegistrationNumber   RequirementID = "irda_registration_number"
	ReqIRDAUserID               RequirementID = "irda_user_id"
	ReqHFRID                    RequirementID = "hfr_id"
	ReqHFRLookup                RequirementID = "hfr_lookup"
	ReqHFRManagerOTP            RequirementID = "hfr_manager_otp"
	ReqHPRID                    RequirementID = "hpr_id"
	ReqHPRCheck                 RequirementID = "hpr_check"
	ReqFacilityDetails          RequirementID = "facility_details"
	ReqGSTIN                    RequirementID = "gstin"
	ReqRohiniID                 RequirementID = "rohini_id"
	ReqRohiniVerification       RequirementID = "rohini_verification"
	ReqEmpanelmentPayer         RequirementID = "empanelment_payer"
	ReqEmpanelmentProof         RequirementID = "empanelment_proof"
	ReqPayerApproval            RequirementID = "payer_approval"
	ReqCaseReview               RequirementID = "case_review"
	ReqAddressProof             RequirementID = "address_proof"
	ReqStakeholdersServiced     RequirementID = "stakeholders_serviced"
)

// RequirementIDs lists the built-in requirement IDs.
func RequirementIDs() []RequirementID {
	return []RequirementID{
		ReqSandboxCertificate, ReqParticipantName, ReqRegisteredEmail, ReqMobile, ReqSystemAdminOTP,
		ReqSignatoryLetter, ReqGovernmentApprovalLetter, ReqIRDARegistrationNumber, ReqIRDAUserID,
		ReqHFRID, ReqHFRLookup, ReqHFRManagerOTP, ReqHPRID, ReqHPRCheck, ReqFacilityDetails, ReqGSTIN,
		ReqRohiniID, ReqRohiniVerification, ReqEmpanelmentPayer, ReqEmpanelmentProof, ReqPayerApproval,
		ReqCaseReview, ReqAddressProof, ReqStakeholdersServiced,
	}
}

// Check decides one requirement for the application in in. It must not
// change the application, must be safe for concurrent use, and must not
// panic on any application; a problem with the application is a Result,
// never an error. The Checker fills in the Result's ID from the
// Requirement, so a Check may leave it empty; a pending Result without a
// Task waits on review (TaskReview).
type Check func(ctx context.Context, in *Input) Result

// Input is what a Check sees: the application, the categories it fell
// into, the time of the verification (one instant for every check), and the
// dependencies wired into the Checker. A nil dependency means "not wired":
// the checks that need it report pending.
type Input struct {
	App        *hcxonboard.Application
	Categories []Category
	Now        time.Time

	Sandbox       *sandbox.Verifier
	Facilities    FacilityRegistry
	Professionals ProfessionalRegistry
	Rohini        RohiniLookup
	Payers        PayerDirectory
	// LookupTimeout bounds each registry call a check makes; zero means
	// only the caller's context bounds it.
	LookupTimeout time.Duration

	// rules are the Checker's choices for the online checks (statuses,
	// facility types, HPR authentication); nil means the defaults.
	rules *rules
	// log reports a check that panicked; nil means slog.Default().
	log *slog.Logger

	// The sandbox certificate is the one expensive check that several
	// categories share; it is worked out once per verification.
	sandboxDone bool
	sandboxRes  Result
}

func (in *Input) rulesOrDefault() *rules {
	if in.rules == nil {
		return builtinRules
	}
	return in.rules
}

// lookupContext bounds one registry call by the input's LookupTimeout.
func (in *Input) lookupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if in.LookupTimeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, in.LookupTimeout)
}

// Requirement is one row item of the guideline's table: a stable ID, a
// description in the guideline's words, and the Check that decides it.
type Requirement struct {
	ID          RequirementID
	Description string
	Check       Check
	// Document is the document kind the requirement asks for, when its
	// check is RequireDocument's: an engine that holds documents
	// (onboarding.WithDocuments) holds each reference of that kind, and
	// staff read it, before the requirement is settled. The built-in
	// policies and policy files ("document:<kind>") set it;
	// DocumentRequirement builds such a requirement.
	Document string
}

// Policy is what one category must show: the guideline's row as data.
type Policy struct {
	Category     Category
	Title        string
	Requirements []Requirement
}

// Requirement returns the policy's requirement with the given ID.
func (p Policy) Requirement(id RequirementID) (Requirement, bool) {
	for _, r := range p.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// With returns a copy of p in which each of reqs replaces the requirement
// with the same ID, or is appended when p has none: the way an operator
// extends a built-in policy before passing it to [WithPolicy].
func (p Policy) With(reqs ...Requirement) Policy {
	out := p
	out.Requirements = append([]Requirement(nil), p.Requirements...)
next:
	for _, r := range reqs {
		for i := range out.Requirements {
			if out.Requirements[i].ID == r.ID {
				out.Requirements[i] = r
				continue next
			}
		}
		out.Requirements = append(out.Requirements, r)
	}
	return out
}

// Without returns a copy of p without the requirements with the given IDs.
func (p Policy) Without(ids ...RequirementID) Policy {
	out := p
	out.Requirements = make([]Requirement, 0, len(p.Requirements))
next:
	for _, r := range p.Requirements {
		for _, id := range ids {
			if r.ID == id {
				continue next
			}
		}
		out.Requirements = append(out.Requirements, r)
	}
	return out
}
