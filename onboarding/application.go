package onboarding

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/sandbox"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// Task states.
const (
	TaskOpen     = "open"     // waiting on the outside world
	TaskDone     = "done"     // settled in the application's favour
	TaskRejected = "rejected" // a payer or reviewer said no
	TaskLocked   = "locked"   // a one-time code was tried too often; ResendOTP opens it again
	// TaskSuperseded: another task took this one's place (HFR would not
	// send a code, so staff review instead), or the application ended
	// (withdrawn, rejected) with it still open; it no longer counts.
	TaskSuperseded = "superseded"
)

// Task kinds.
const (
	KindOTP      = "otp"      // a one-time code: ConfirmOTP, ResendOTP
	KindApproval = "approval" // the empanelling payer decides: Decide
	KindReview   = "review"   // operator staff (or a regulator, a ROHINI admin) decide: Decide
	KindRetry    = "retry"    // a registry was unreachable: Recheck
	// KindAwait: the registry's own process must finish first (an HFR
	// facility still Draft or Submitted, guideline option 2.1): Recheck,
	// by hand or on a schedule, settles it once the registry verifies the
	// facility; ExpireWaiting rejects it after WithRegistryWait.
	KindAwait = "await"
)

// OTP channels.
const (
	ChannelSystemAdmin = "system_admin" // the engine's code, to the admin the application names
	ChannelHFR         = "hfr"          // HFR's own OTP, to the manager HFR has on record
	ChannelHPR         = "hpr"          // HPR's own authentication of the professional (Aadhaar or mobile OTP)
)

// Task is work an application waits on, as callers see it: never the
// code's hash or salt.
type Task struct {
	ID          string
	Kind        string // KindOTP, KindApproval, KindReview, KindRetry
	Requirement verifier.RequirementID
	State       string // TaskOpen, TaskDone, TaskRejected, TaskLocked
	// Message says what the task waits for, as the verifier put it.
	Message string
	// Channel is how a one-time code travels: ChannelSystemAdmin or
	// ChannelHFR. Empty for other kinds.
	Channel string
	// Recipient is where the code or request went, masked.
	Recipient string
	// ExpiresAt is when the current code expires (zero when none is out)
	// or, for a KindAwait task, when the wait runs out and ExpireWaiting
	// rejects the application.
	ExpiresAt time.Time
	// AttemptsLeft is how many wrong codes the current code still takes.
	AttemptsLeft int
	// ResendsLeft is how many new codes may still be asked for today.
	ResendsLeft int
	// DecidedBy and Reason record who settled an approval or review, and
	// why.
	DecidedBy, Reason string
	// Findings are what the registry check behind a review compared, field
	// by field: the applicant's value beside the registry's, and whether
	// they match. A mismatch is why such a review exists.
	Findings  []verifier.Finding
	CreatedAt time.Time
	UpdatedAt time.Time

	// Document is the id of the held document a document review reads, or
	// that settled an upload task (Service.Document).
	Document string
	// DocumentKind is the kind of document an upload task waits on (what
	// to upload, POST …/documents?kind=…) or a document review reads.
	DocumentKind string
	// Fingerprint identifies what the task asks a person to judge: its
	// requirement, message, findings and document. Pass it as
	// Decision.Seen.
	Fingerprint string
}

// Application is the engine's view of one onboarding application.
type Application struct {
	ID  string
	Key string // the client's application_id
	// Stage is where the application stands in the guideline's steps.
	Stage registry.Stage
	// Status is the participant's registry status ("" before
	// registration, or when the application was rejected before it).
	Status hcxonboard.Status
	// Participant is the registry record (nil when none was registered).
	Participant *hcxonboard.Participant
	// Submitted is the application as submitted.
	Submitted *hcxonboard.Application
	// Sandbox is what the engine found of the sandbox certificate (nil
	// when it did not check it itself).
	Sandbox *SandboxResult
	// Report is the latest verification report, with each pending
	// requirement whose task has since been done shown as satisfied.
	Report *verifier.Report
	Tasks  []Task
	// Reasons say why the application was rejected.
	Reasons    []string
	Details    *DetailsRecord
	Secrets    SecretStatus
	Checklist  *ChecklistRecord
	Deboarding *Deboarding
	// SuspendedAtExpiry: the participant is Blocked because the scheduler
	// suspended it for an expired certificate
	// (SchedulePolicy.SuspendAtCertificateExpiry); registering valid
	// certificates (SubmitDetails) reinstates it. Suspend makes the
	// suspension staff's, which only Reinstate ends.
	SuspendedAtExpiry bool
	// Sources says where each of the participant's registry fields came
	// from: "applicant" (typed in the application), "hfr" (read from HFR
	// once the facility manager confirmed HFR's one-time code: the
	// consented fetch), "hpr" (read from HPR once the professional
	// authenticated), "rohini", "staff". Keys are the record's JSON names
	// (participant_name, address, primary_email, …, facility_type).
	Sources map[string]string
	// FacilityType is HFR's type for the facility, once read.
	FacilityType string
	// ApplicantTokenGeneration counts RotateApplicantToken: an applicant
	// token of another generation is refused.
	ApplicantTokenGeneration int
	// ApplicantUsedAt is when the applicant's token was last noted in use
	// (NoteApplicantUse), to ApplicantUseGranularity; zero before.
	ApplicantUsedAt time.Time
	// Readiness is the latest readiness check of the endpoint and keys
	// (WithReadiness), nil before one.
	Readiness *ReadinessRecord
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DetailsFingerprint identifies the step-3 details the application holds
// ("" before there are any). Pass it as Checklist.DetailsSeen.
func (a *Application) DetailsFingerprint() string {
	if a.Details == nil {
		return ""
	}
	return detailsDigest(a.Details)
}

// detailsDigest is the SHA-256 of the details as stored, with what the
// engine learnt of the certificates (their expiries: a certificate given
// by its URL is the one served there when the details were checked),
// less when they were submitted — the same details submitted again are
// the same — and the step-up code, which is never stored.
func detailsDigest(d *DetailsRecord) string {
	v := *d
	v.StepUpCode, v.SubmittedAt = "", time.Time{}
	b, err := json.Marshal(v)
	if err != nil {
		return "" // a Details always encodes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Task returns the task with the given id.
func (a *Application) Task(id string) (Task, bool) {
	for _, t := range a.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return Task{}, false
}

// OpenTasks returns the tasks still waiting (open or locked).
func (a *Application) OpenTasks() []Task {
	var out []Task
	for _, t := range a.Tasks {
		if t.State == TaskOpen || t.State == TaskLocked {
			out = append(out, t)
		}
	}
	return out
}

// SandboxResult is the engine's check of the sandbox certificate.
type SandboxResult struct {
	Issuer        string            `json:"issuer,omitempty"`
	Subject       string            `json:"subject,omitempty"`
	CertificateID string            `json:"certificate_id,omitempty"`
	Roles         []hcxonboard.Role `json:"roles,omitempty"`
	ExpiresAt     time.Time         `json:"expires_at,omitzero"`
	// Trusted: the signature was checked against the trust list.
	Trusted bool `json:"trusted"`
	// Outcome is the sandbox_certificate requirement's outcome, and
	// Message why.
	Outcome verifier.Outcome `json:"outcome"`
	Message string           `json:"message,omitempty"`
	// Task is what a pending result waits on: review (no trust list) or
	// retry (the issuer's keys or the revocation list could not be read).
	Task verifier.TaskKind `json:"task,omitempty"`
	// Kind is what the certificate certifies: a participant (bound to
	// the applicant and backing one participant) or a software solution
	// (many participants may rely on it). Empty in records written before
	// kinds existed, which count as participant certificates.
	Kind sandbox.Kind `json:"kind,omitempty"`
	// Solution names the certified software solution, when the
	// certificate names one.
	Solution *sandbox.Solution `json:"solution,omitempty"`
}

// Details are what step 3 gathers.
type Details struct {
	// EndpointURL is where the HCX sends this participant's messages:
	// https, a DNS name, no port unless the rules allow one.
	EndpointURL string `json:"endpoint_url"`
	// EncryptionCert is a PEM X.509 certificate with an RSA key (or an
	// https URL to one) that senders encrypt to.
	EncryptionCert string `json:"encryption_cert"`
	// SigningCertPath is, optionally, the certificate (PEM or https URL)
	// that verifies what the participant signs.
	SigningCertPath     string               `json:"signing_cert_path,omitempty"`
	Contacts            []hcxonboard.Contact `json:"contacts,omitempty"`
	CompanyRegistration string               `json:"company_registration,omitempty"`
	// PaymentDetails is, optionally, where the participant is paid — a
	// UPI ID, or an account number with its IFSC — as the registry's
	// payment_details has it (hcxonboard.NormalizePaymentDetails checks
	// it). Copied into the participant record.
	PaymentDetails *hcxonboard.PaymentDetails `json:"payment_details,omitempty"`
	// StepUpCode is, for a participant already live, the one-time code
	// RequestStepUp sent to its registered admin. Never stored.
	StepUpCode string `json:"step_up_code,omitempty"`
}

// DetailsRecord is accepted step-3 details with what the engine learnt
// from the certificates.
type DetailsRecord struct {
	Details
	EncryptionCertExpiry time.Time `json:"encryption_cert_expiry"`
	SigningCertExpiry    time.Time `json:"signing_cert_expiry,omitzero"`
	SubmittedAt          time.Time `json:"submitted_at"`
}

// Checklist is the go-live checklist (step 5): the guideline advises
// piloting with a few clients and training staff first.
type Checklist struct {
	PilotCompleted bool   `json:"pilot_completed"`
	PilotNotes     string `json:"pilot_notes,omitempty"`
	StaffTrained   bool   `json:"staff_trained"`
	// CertificateFetched: the participant fetched its own certificates
	// back from the HCX registry and found them to be the ones it uses.
	CertificateFetched bool `json:"certificate_fetched,omitempty"`
	// FirewallAllowsHCX: the participant's firewall lets in the HCX's
	// egress addresses, so the HCX's calls reach its endpoint.
	FirewallAllowsHCX bool `json:"firewall_allows_hcx,omitempty"`
	// ConfirmedBy is the authenticated principal taking the participant
	// live ("staff:asha"): the audit actor. Callers set it from their
	// authentication, never from request data; free text goes in Note.
	ConfirmedBy string `json:"confirmed_by"`
	// Note is free text recorded with the go-live.
	Note string `json:"note,omitempty"`
	// DetailsSeen is, optionally, the DetailsFingerprint of the
	// application as the confirmer saw it. When set, GoLive refuses with
	// ErrConflict if the step-3 details (endpoint, certificates,
	// contacts) changed since: the participant goes live on what was
	// checked, not on what arrived after. The console always sends it.
	DetailsSeen string `json:"details_seen,omitempty"`
}

// ChecklistRecord is a confirmed checklist.
type ChecklistRecord struct {
	Checklist
	ConfirmedAt time.Time `json:"confirmed_at"`
}

// Decision settles an approval or review task.
type Decision struct {
	Approve  bool
	Reviewer string // who decided: a staff member, a payer's officer
	Reason   string // required to reject
	// Seen is, optionally, the Fingerprint of the task as the reviewer
	// saw it. When set, Decide refuses with ErrConflict if the task's
	// message, findings or document changed since (a recheck rewrites an
	// open review's findings in place): a decision settles the evidence
	// it was made on. The console always sends it. It shows what the
	// reviewer was shown, not that they read it: approving a review of a
	// held document also needs the reviewer to have been served that
	// document (RecordDocumentView; WithReadBeforeApproval).
	Seen string
}

// De-boarding initiators.
const (
	InitiatorVoluntary = "voluntary" // the participant leaves: at once
	InitiatorRegulator = "regulator" // a regulator or legal authority: after notice
	InitiatorHCX       = "hcx"       // the operator (SLA breaches, attacks): after notice
)

// DeboardRequest asks for a participant to be de-boarded.
type DeboardRequest struct {
	Initiator string // InitiatorVoluntary, InitiatorRegulator or InitiatorHCX
	Actor     string
	Reason    string
	// StepUpCode is the participant's step-up code (RequestStepUp with
	// StepUpDeboard) when it leaves on its own; staff recording a
	// participant's request ("staff:…" actors) need none.
	StepUpCode string
}

// Deboarding is the latest de-boarding of a participant: announced
// (Pending), stopped by an appeal, or done.
type Deboarding struct {
	Initiator   string    `json:"initiator"`
	Actor       string    `json:"actor"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
	// EffectiveAt is when it takes effect (RequestedAt for a voluntary
	// one).
	EffectiveAt  time.Time `json:"effective_at"`
	AppealedBy   string    `json:"appealed_by,omitempty"`
	AppealReason string    `json:"appeal_reason,omitempty"`
	AppealedAt   time.Time `json:"appealed_at,omitzero"`
	DoneAt       time.Time `json:"done_at,omitzero"`
}

// Pending reports whether the de-boarding is announced but neither done
// nor stopped.
func (d *Deboarding) Pending() bool {
	return d != nil && d.DoneAt.IsZero() && d.AppealedAt.IsZero()
}

// ends returns when a pending de-boarding takes effect, and nil when none
// is pending.
func (d *Deboarding) ends() *time.Time {
	if !d.Pending() {
		return nil
	}
	t := d.EffectiveAt
	return &t
}

// SecretStatus describes the participant's production secrets without
// revealing them.
type SecretStatus struct {
	// Live counts the secrets that would be accepted now.
	Live int
	// ExpiresAt is when the last live secret expires.
	ExpiresAt     time.Time
	ProvisionedAt time.Time
	// CompromisedAt is the latest compromise report: every secret and
	// every token issued before it is refused.
	CompromisedAt time.Time
}

// Credentials are what Provision and RotateSecret hand over, once.
type Credentials struct {
	ParticipantCode string
	// Secret is the production access secret. It is shown exactly once:
	// the engine keeps only its hash.
	Secret    string
	ExpiresAt time.Time
}

// redactedSecret stands for the secret wherever Credentials are printed
// or logged whole.
const redactedSecret = "[REDACTED]"

// String prints the credentials without the secret, so that a caller who
// prints or wraps them whole (%v, %+v, %s) does not write the secret to a
// log or an error. Read the Secret field to hand it over.
func (c Credentials) String() string {
	return fmt.Sprintf("{ParticipantCode:%s Secret:%s ExpiresAt:%s}", c.ParticipantCode, redactedSecret, c.ExpiresAt.Format(time.RFC3339))
}

// GoString is String for %#v.
func (c Credentials) GoString() string { return "onboarding.Credentials" + c.String() }

// LogValue logs the credentials without the secret.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("participant_code", c.ParticipantCode),
		slog.String("secret", redactedSecret),
		slog.Time("expires_at", c.ExpiresAt),
	)
}

// CertificateExpiry is one certificate that expires soon, or has.
type CertificateExpiry struct {
	ParticipantCode string
	ParticipantName string
	Status          hcxonboard.Status
	// Certificate is "encryption" or "signing".
	Certificate string
	ExpiresAt   time.Time
	Expired     bool
}

// view builds the caller's copy of a record.
func (s *Service) view(r *record) *Application {
	st := r.st
	a := &Application{
		ID:                       r.app.ID,
		Key:                      r.app.Key,
		Stage:                    r.app.Stage,
		Participant:              r.part.Clone(),
		Submitted:                st.Submitted.Clone(),
		Report:                   r.effectiveReport(),
		Reasons:                  append([]string(nil), st.Reasons...),
		Sources:                  maps.Clone(st.Sources),
		FacilityType:             st.FacilityType,
		ApplicantTokenGeneration: st.ApplicantGen,
		ApplicantUsedAt:          st.ApplicantUsedAt,
		Readiness:                st.Readiness,
		SuspendedAtExpiry:        st.SuspendedAtExpiry && r.position() == posBlocked,
		Version:                  r.app.Version,
		CreatedAt:                r.app.CreatedAt,
		UpdatedAt:                r.app.UpdatedAt,
	}
	if r.part != nil {
		a.Status = r.part.Status
	}
	if st.Sandbox != nil {
		v := *st.Sandbox
		a.Sandbox = &v
	}
	if st.Details != nil {
		v := *st.Details
		v.Contacts = append([]hcxonboard.Contact(nil), st.Details.Contacts...)
		v.PaymentDetails = st.Details.PaymentDetails.Clone()
		a.Details = &v
	}
	if st.Checklist != nil {
		v := *st.Checklist
		a.Checklist = &v
	}
	if st.Deboarding != nil {
		v := *st.Deboarding
		a.Deboarding = &v
	}
	now := s.clock()
	for _, t := range st.Tasks {
		a.Tasks = append(a.Tasks, t.view(s, now))
	}
	a.Secrets = secretStatus(st, now)
	return a
}

func secretStatus(st *state, now time.Time) SecretStatus {
	var ss SecretStatus
	for _, rec := range st.Secrets {
		if rec.Live(now) {
			ss.Live++
			if rec.ExpiresAt.After(ss.ExpiresAt) {
				ss.ExpiresAt = rec.ExpiresAt
			}
		}
	}
	if st.ProvisionedAt != nil {
		ss.ProvisionedAt = *st.ProvisionedAt
	}
	if st.CompromisedAt != nil {
		ss.CompromisedAt = *st.CompromisedAt
	}
	return ss
}

// liveSecrets reports whether any secret would be accepted now.
func liveSecrets(recs []credential.SecretRecord, now time.Time) bool {
	for _, r := range recs {
		if r.Live(now) {
			return true
		}
	}
	return false
}

// effectiveReport is the stored report as things stand now: a requirement
// that was pending on a task that is done (a code confirmed, an approval
// or review given) reads as satisfied, and the verdict follows. The
// results' claims are left out.
func (r *record) effectiveReport() *verifier.Report {
	rep := r.st.Report
	if rep == nil {
		return nil
	}
	out := &verifier.Report{
		Verdict:      rep.Verdict,
		Categories:   append([]verifier.Category(nil), rep.Categories...),
		Requirements: append([]verifier.Result(nil), rep.Requirements...),
	}
	for i, res := range out.Requirements {
		// The claims are the store's bookkeeping (Application.Claims has
		// them), and may name what the applicant did not give: the other
		// form of a professional's HPR id, which the findings leave out.
		out.Requirements[i].Claims = nil
		if res.Outcome != verifier.Pending {
			continue
		}
		t := r.taskFor(res.ID)
		if t == nil || t.State != TaskDone {
			continue
		}
		settled := "settled"
		if t.DecidedBy != "" {
			settled = "approved by " + t.DecidedBy
		}
		out.Requirements[i] = verifier.Result{ID: res.ID, Outcome: verifier.Satisfied, Message: res.Message + " — " + settled}
	}
	out.Verdict = verifier.VerdictOf(out.Requirements)
	return out
}
