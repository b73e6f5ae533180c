package httpapi

import (
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// The JSON bodies of the API. Field names follow the HCX registry's
// snake_case; times are RFC 3339.

// Application is an onboarding application as the API shows it to its
// applicant and to staff. It never carries a secret or a one-time code.
type Application struct {
	ID string `json:"id"`
	// ApplicationID is the client's idempotency key, when it sent one;
	// never in staff views (nor in the submitted document there, which
	// leaves out the sandbox certificate too).
	ApplicationID   string                    `json:"application_id,omitempty"`
	Stage           registry.Stage            `json:"stage"`
	Status          hcxonboard.Status         `json:"status,omitempty"`
	ParticipantCode string                    `json:"participant_code,omitempty"`
	Participant     *hcxonboard.Participant   `json:"participant,omitempty"`
	Submitted       *hcxonboard.Application   `json:"submitted,omitempty"`
	Sandbox         *onboarding.SandboxResult `json:"sandbox,omitempty"`
	Report          *verifier.Report          `json:"report,omitempty"`
	Tasks           []Task                    `json:"tasks"`
	Reasons         []string                  `json:"reasons,omitempty"`
	Details         *onboarding.DetailsRecord `json:"details,omitempty"`
	// DetailsFingerprint identifies the step-3 details shown here: send it
	// back as the go-live's details_seen, and the go-live is refused (409)
	// if they changed since.
	DetailsFingerprint string                      `json:"details_fingerprint,omitempty"`
	Credentials        SecretStatus                `json:"credentials"`
	Checklist          *onboarding.ChecklistRecord `json:"go_live_checklist,omitempty"`
	Deboarding         *onboarding.Deboarding      `json:"deboarding,omitempty"`
	// SuspendedAtExpiry: the participant is suspended because its
	// certificate expired; registering valid certificates (PUT
	// …/details) reinstates it. Staff suspending it make the suspension
	// theirs, which only staff reinstating it end.
	SuspendedAtExpiry bool `json:"suspended_at_expiry,omitempty"`
	// Sources says where each participant field came from: applicant,
	// hfr, hpr, rohini, staff.
	Sources map[string]string `json:"sources,omitempty"`
	// FacilityType is HFR's facility type, once read.
	FacilityType string `json:"facility_type,omitempty"`
	// Readiness is the latest readiness check of the endpoint and keys.
	Readiness *onboarding.ReadinessRecord `json:"readiness,omitempty"`
	Version   int64                       `json:"version"`
	CreatedAt time.Time                   `json:"created_at"`
	UpdatedAt time.Time                   `json:"updated_at"`
}

// Task is work an application waits on.
type Task struct {
	ID          string                 `json:"id"`
	Kind        string                 `json:"kind"`
	Requirement verifier.RequirementID `json:"requirement"`
	State       string                 `json:"state"`
	Message     string                 `json:"message,omitempty"`
	Channel     string                 `json:"channel,omitempty"`
	// Recipient is where a code or request went, masked.
	Recipient    string    `json:"recipient,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	AttemptsLeft int       `json:"attempts_left,omitempty"`
	ResendsLeft  int       `json:"resends_left,omitempty"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	// Findings are what the registry check behind the task compared: the
	// applicant's value beside the registry's, field by field.
	Findings  []verifier.Finding `json:"findings,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt time.Time          `json:"updated_at"`

	// DocumentID is the held document a document review reads, or that
	// settled an upload task (kind "upload").
	DocumentID string `json:"document_id,omitempty"`
	// Fingerprint identifies what the task asks a person to judge (its
	// message, findings and document): send it back as the decision's
	// seen, and the decision is refused (409) if they changed since.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// SecretStatus describes the production secrets without revealing them.
type SecretStatus struct {
	Live          int       `json:"live"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`
	ProvisionedAt time.Time `json:"provisioned_at,omitzero"`
	CompromisedAt time.Time `json:"compromised_at,omitzero"`
}

// ApplyResponse answers a submitted application. ApplicantToken proves
// ownership of the application on the applicant routes; keep it like a
// password.
type ApplyResponse struct {
	ApplicantToken string       `json:"applicant_token"`
	Application    *Application `json:"application"`
}

// OTPRequest confirms a one-time code.
type OTPRequest struct {
	OTP string `json:"otp"`
}

// Decisions a reviewer may take on an approval or review task.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// DecisionRequest settles an approval or review task; a rejection needs a
// reason.
type DecisionRequest struct {
	Decision string `json:"decision" enum:"approve,reject"`
	Reason   string `json:"reason,omitempty"`
	// Seen is, optionally, the task's fingerprint as the reviewer saw it:
	// a task that changed since (a recheck rewrote its findings) is not
	// decided (409).
	Seen string `json:"seen,omitempty"`
}

// ReasonRequest carries why an action is taken.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// StepUpRequest asks for a step-up code: purpose "details" (a new
// endpoint or certificate) or "deboard" (leaving the network).
type StepUpRequest struct {
	Purpose string `json:"purpose" enum:"details,deboard"`
}

// DeboardVoluntaryRequest is a live participant leaving the network: why,
// and the step-up code its registered admin received.
type DeboardVoluntaryRequest struct {
	Reason     string `json:"reason"`
	StepUpCode string `json:"step_up_code,omitempty"`
}

// DeclineRequest is the facility manager's "no" to an onboarding: the
// decline code from the intimation HFR's manager received, and why.
type DeclineRequest struct {
	Code   string `json:"code"`
	Reason string `json:"reason,omitempty"`
}

// DeclineResponse confirms a decline. It says nothing else about the
// application: the manager is not its applicant.
type DeclineResponse struct {
	ApplicationID string `json:"application_id"`
	Declined      bool   `json:"declined"`
}

// DeboardRequest asks staff to de-board a participant: initiator
// "voluntary", "regulator" or "hcx".
type DeboardRequest struct {
	Initiator string `json:"initiator" enum:"voluntary,regulator,hcx"`
	Reason    string `json:"reason"`
}

// GoLiveRequest confirms the go-live checklist. The go-live is recorded
// as done by the authenticated staff member; ConfirmedBy, if sent, is only
// kept in the note, never taken as the actor.
type GoLiveRequest struct {
	PilotCompleted bool   `json:"pilot_completed"`
	PilotNotes     string `json:"pilot_notes,omitempty"`
	StaffTrained   bool   `json:"staff_trained"`
	// CertificateFetched: the participant fetched its own certificates
	// back from the registry; FirewallAllowsHCX: its firewall lets in the
	// HCX's egress addresses. Required when the operator's checklist
	// says so (onboarding.WithGoLiveChecklist).
	CertificateFetched bool   `json:"certificate_fetched,omitempty"`
	FirewallAllowsHCX  bool   `json:"firewall_allows_hcx,omitempty"`
	Note               string `json:"note,omitempty"`
	// Deprecated: the actor is the authenticated staff member; a value
	// here becomes part of the note.
	ConfirmedBy string `json:"confirmed_by,omitempty"`
	// DetailsSeen is, optionally, the application's details_fingerprint as
	// the approver saw it: details changed since (a new endpoint or
	// certificate) refuse the go-live (409).
	DetailsSeen string `json:"details_seen,omitempty"`
}

// CredentialsResponse hands over a production secret, exactly once.
type CredentialsResponse struct {
	ParticipantCode string    `json:"participant_code"`
	Secret          string    `json:"secret"`
	ExpiresAt       time.Time `json:"expires_at"`
}

// RotateRequest asks for a new secret with a live one; the old secrets
// keep working for overlap_seconds.
type RotateRequest struct {
	ParticipantCode string `json:"participant_code"`
	Secret          string `json:"secret"`
	OverlapSeconds  int64  `json:"overlap_seconds,omitempty"`
}

// TokenRequest exchanges a participant code and secret for an access
// token.
type TokenRequest struct {
	ParticipantCode string `json:"participant_code"`
	Secret          string `json:"secret"`
}

// TokenResponse is an access token, in the OAuth 2.0 token response's
// shape.
type TokenResponse struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresIn   int64     `json:"expires_in"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// SearchResponse lists participants found by a registry search.
type SearchResponse struct {
	Participants []hcxonboard.Participant `json:"participants"`
	// Next is the cursor of the next page (the cursor parameter); absent
	// after the last.
	Next string `json:"next,omitempty"`
}

// QueueResponse lists applications for staff.
type QueueResponse struct {
	Applications []*Application `json:"applications"`
	// Next is the cursor of the next page (the cursor parameter); absent
	// after the last.
	Next string `json:"next,omitempty"`
}

// EventsResponse is an application's audit trail and whether its hash
// chain holds.
type EventsResponse struct {
	Events []registry.Event `json:"events"`
	Chain  ChainStatus      `json:"chain"`
	// Next is the cursor of the next page, when limit or cursor asked
	// for pages ("" at the end).
	Next string `json:"next,omitempty"`
}

// ChainStatus reports the audit chain's check: Verified, or where it
// breaks and why.
type ChainStatus struct {
	Verified bool   `json:"verified"`
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// CertificateExpiry is a certificate that expires soon, or has.
type CertificateExpiry struct {
	ParticipantCode string            `json:"participant_code"`
	ParticipantName string            `json:"participant_name"`
	Status          hcxonboard.Status `json:"status"`
	Certificate     string            `json:"certificate"`
	ExpiresAt       time.Time         `json:"expires_at"`
	Expired         bool              `json:"expired"`
}

// ExpiringResponse lists expiring certificates, soonest first.
type ExpiringResponse struct {
	Certificates []CertificateExpiry `json:"certificates"`
	// Next is the cursor of the next page (the cursor parameter); absent
	// after the last.
	Next string `json:"next,omitempty"`
}

// ProcessedResponse says how many announced de-boardings took effect.
type ProcessedResponse struct {
	Deboarded int `json:"deboarded"`
}

// staffView is v as staff see it: without the applicant's idempotency key
// (application_id, at the top and in the submitted document) and without
// the sandbox certificate, the applicant's own credential (staff read its
// checked claims under sandbox). A repeat of the submission, which needs
// both, answers the applicant token; staff, who see the rest of the
// document, must not be able to make one, even where the key is
// guessable (a scheme's list that reuses the sandbox participant code).
func staffView(v *Application) *Application {
	if v == nil {
		return v
	}
	c := *v
	c.ApplicationID = ""
	if c.Submitted != nil {
		c.Submitted = c.Submitted.Clone()
		c.Submitted.ApplicationID = ""
		c.Submitted.SandboxCertificate = ""
	}
	return &c
}

// maskContacts is v with its e-mail addresses and mobile numbers masked
// (hcxonboard.MaskEmail, MaskMobile), for listings: a page of the staff
// queue names no one in full; the application's own page does, audited.
func maskContacts(v *Application) *Application {
	if v == nil {
		return v
	}
	c := *v
	if s := c.Submitted; s != nil {
		s = s.Clone()
		s.PrimaryEmail, s.PrimaryMobile = hcxonboard.MaskEmail(s.PrimaryEmail), hcxonboard.MaskMobile(s.PrimaryMobile)
		if s.SystemAdmin != nil {
			admin := *s.SystemAdmin
			admin.Email, admin.Mobile = hcxonboard.MaskEmail(admin.Email), hcxonboard.MaskMobile(admin.Mobile)
			s.SystemAdmin = &admin
		}
		c.Submitted = s
	}
	if p := c.Participant; p != nil {
		p = p.Clone()
		p.PrimaryEmail, p.PrimaryMobile = hcxonboard.MaskEmail(p.PrimaryEmail), hcxonboard.MaskMobile(p.PrimaryMobile)
		for i := range p.AdditionalEmail {
			p.AdditionalEmail[i] = hcxonboard.MaskEmail(p.AdditionalEmail[i])
		}
		for i := range p.AdditionalMobile {
			p.AdditionalMobile[i] = hcxonboard.MaskMobile(p.AdditionalMobile[i])
		}
		c.Participant = p
	}
	return &c
}

// applicationView converts the engine's view.
func applicationView(a *onboarding.Application) *Application {
	if a == nil {
		return nil
	}
	v := &Application{
		ID:            a.ID,
		ApplicationID: a.Key,
		Stage:         a.Stage,
		Status:        a.Status,
		Participant:   a.Participant,
		Submitted:     a.Submitted,
		Sandbox:       a.Sandbox,
		Report:        a.Report,
		Tasks:         make([]Task, 0, len(a.Tasks)),
		Reasons:       a.Reasons,
		Details:       a.Details,
		Credentials: SecretStatus{
			Live:          a.Secrets.Live,
			ExpiresAt:     a.Secrets.ExpiresAt,
			ProvisionedAt: a.Secrets.ProvisionedAt,
			CompromisedAt: a.Secrets.CompromisedAt,
		},
		Checklist:         a.Checklist,
		Deboarding:        a.Deboarding,
		SuspendedAtExpiry: a.SuspendedAtExpiry,
		Sources:           a.Sources,
		Readiness:         a.Readiness,
		FacilityType:      a.FacilityType,
		Version:           a.Version,
		CreatedAt:         a.CreatedAt,
		UpdatedAt:         a.UpdatedAt,
	}
	if a.Participant != nil {
		v.ParticipantCode = a.Participant.ParticipantCode
	}
	v.DetailsFingerprint = a.DetailsFingerprint()
	for _, t := range a.Tasks {
		v.Tasks = append(v.Tasks, Task{
			ID: t.ID, Kind: t.Kind, Requirement: t.Requirement, State: t.State, Message: t.Message,
			Channel: t.Channel, Recipient: t.Recipient, ExpiresAt: t.ExpiresAt,
			AttemptsLeft: t.AttemptsLeft, ResendsLeft: t.ResendsLeft,
			DecidedBy: t.DecidedBy, Reason: t.Reason, Findings: t.Findings, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
			DocumentID: t.Document, Fingerprint: t.Fingerprint,
		})
	}
	return v
}
