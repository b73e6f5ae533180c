package onboarding

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// taskState is a task as stored. A one-time code is kept only as an
// HMAC-SHA-256 over a per-code random salt, the application, the task and
// the code (keyed with the operator's OTP key when one is set).
type taskState struct {
	ID          string                 `json:"id"`
	Kind        string                 `json:"kind"`
	Requirement verifier.RequirementID `json:"requirement"`
	State       string                 `json:"state"`
	Message     string                 `json:"message,omitempty"`
	Channel     string                 `json:"channel,omitempty"`
	Recipient   string                 `json:"recipient,omitempty"` // masked
	FacilityID  string                 `json:"facility_id,omitempty"`
	// ProfessionalID and Method: the HPR ID being authenticated and the
	// method HPR sent its code by (task channel hpr).
	ProfessionalID string    `json:"professional_id,omitempty"`
	Method         string    `json:"method,omitempty"`
	TxnID          string    `json:"txn_id,omitempty"` // HFR's OTP transaction
	Intimated      bool      `json:"intimated,omitempty"`
	Salt           string    `json:"salt,omitempty"`
	Hash           string    `json:"hash,omitempty"`
	ExpiresAt      time.Time `json:"expires_at,omitzero"`
	Attempts       int       `json:"attempts,omitempty"`
	ResendDay      string    `json:"resend_day,omitempty"`
	Resends        int       `json:"resends,omitempty"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	Claim          string    `json:"claim,omitempty"` // the identity an identity_dispute review is about
	// Covers are further requirements this task settles: one approval
	// request per payer answers both empanelment_proof and payer_approval.
	Covers []verifier.RequirementID `json:"covers,omitempty"`
	// Findings are what the registry check behind the task compared,
	// field by field: a reviewer sees the applicant's value beside the
	// registry's.
	Findings  []verifier.Finding `json:"findings,omitempty"`
	Reason    string             `json:"reason,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt time.Time          `json:"updated_at"`

	// Document is the held document a document task is about (its id);
	// DocumentSHA256 the digest of the reference it stands for, and
	// DocumentKind its kind (empty in tasks stored before it was kept:
	// the kind of the task's requirement then).
	Document       string `json:"document,omitempty"`
	DocumentSHA256 string `json:"document_sha256,omitempty"`
	DocumentKind   string `json:"document_kind,omitempty"`
}

// documentKind is the kind of document t is about, or "".
func (t *taskState) documentKind() string {
	if t.DocumentKind != "" {
		return t.DocumentKind
	}
	return kindOf(t.Requirement)
}

// approver is who approved t, a review or an approval request, or ""
// when no one did. An amendment supersedes the tasks of the round before
// it, approved ones too: their approvers stay approvers of the
// application, which four eyes count at go-live.
func (t *taskState) approver() string {
	if (t.Kind != KindReview && t.Kind != KindApproval) || (t.State != TaskDone && t.State != TaskSuperseded) {
		return ""
	}
	return t.DecidedBy
}

// fingerprint is Task.Fingerprint: a digest of what a person judges.
func (t *taskState) fingerprint() string {
	b, err := json.Marshal(struct {
		Kind        string                   `json:"kind"`
		Requirement verifier.RequirementID   `json:"requirement"`
		Covers      []verifier.RequirementID `json:"covers"`
		Message     string                   `json:"message"`
		Findings    []verifier.Finding       `json:"findings"`
		Document    string                   `json:"document"`
		DocumentSHA string                   `json:"document_sha256"`
		Claim       string                   `json:"claim"`
	}{t.Kind, t.Requirement, t.Covers, t.Message, t.Findings, t.Document, t.DocumentSHA256, t.Claim})
	if err != nil {
		return "" // always encodes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func (t *taskState) view(s *Service, now time.Time) Task {
	v := Task{
		ID:          t.ID,
		Kind:        t.Kind,
		Requirement: t.Requirement,
		State:       t.State,
		Message:     t.Message,
		Channel:     t.Channel,
		Recipient:   t.Recipient,
		DecidedBy:   t.DecidedBy,
		Reason:      t.Reason,
		Findings:    slices.Clone(t.Findings),
		Document:    t.Document,
		Fingerprint: t.fingerprint(),
		CreatedAt:   t.CreatedAt,
		UpdatedAt:   t.UpdatedAt,
	}
	if t.Kind == KindUpload || t.Document != "" {
		v.DocumentKind = t.documentKind()
	}
	if t.Kind == KindAwait {
		v.ExpiresAt = t.ExpiresAt // when ExpireWaiting rejects the application
	}
	if t.Kind == KindOTP {
		v.ExpiresAt = t.ExpiresAt
		v.AttemptsLeft = max(0, s.otp.Attempts-t.Attempts)
		v.ResendsLeft = s.otp.ResendsPerDay
		if t.ResendDay >= day(now) { // a lagging clock's day is the counted one's (resendable)
			v.ResendsLeft = max(0, s.otp.ResendsPerDay-t.Resends)
		}
	}
	return v
}

// waiting returns the kinds of the tasks still open, plus "deboarding"
// while one is announced: the store indexes them for the staff queue and
// for ProcessDeboardings.
func (r *record) waiting() []string {
	switch r.position() {
	case posRejected, posWithdrawn, posInactive:
		return nil
	}
	var out []string
	for _, t := range r.st.Tasks {
		if (t.State == TaskOpen || t.State == TaskLocked) && !slices.Contains(out, t.Kind) {
			out = append(out, t.Kind)
		}
	}
	if r.st.Deboarding.Pending() {
		out = append(out, WaitingDeboarding)
	}
	out = append(out, r.liveWaits()...)
	slices.Sort(out)
	return out
}

// waitingOn returns the participant codes the open approval tasks are
// addressed to, in order: the store indexes them for a payer's list of
// approval requests (ApprovalRequests). A recipient no stored participant
// code can be (longer than registry.MaxKeyLength, or text the store
// refuses, as earlier versions let an applicant's typed payer name be) is
// left out: the store would refuse every write of the application while
// the task is open, and no payer could list it.
func (r *record) waitingOn() []string {
	switch r.position() {
	case posRejected, posWithdrawn, posInactive:
		return nil
	}
	var out []string
	for _, t := range r.st.Tasks {
		if t.Kind == KindApproval && t.State == TaskOpen && awaitable(t.Recipient) && !slices.Contains(out, t.Recipient) {
			out = append(out, t.Recipient)
		}
	}
	slices.Sort(out)
	return out
}

// awaitable reports whether recipient can be an awaited participant code
// the store indexes (registry.Application WaitingOn).
func awaitable(recipient string) bool {
	return recipient != "" && len(recipient) <= registry.MaxKeyLength && registry.StorableText(recipient)
}

// WaitingDeboarding marks, in registry.Application.Waiting, an
// application whose participant has an announced de-boarding.
const WaitingDeboarding = "deboarding"

// task returns the task with the given id.
func (r *record) task(id string) (*taskState, error) {
	for _, t := range r.st.Tasks {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%w: application %q has no task %q", ErrNotFound, r.app.ID, clip(id))
}

// taskFor returns the newest task for a requirement, if any.
func (r *record) taskFor(req verifier.RequirementID) *taskState {
	for i := len(r.st.Tasks) - 1; i >= 0; i-- {
		if t := r.st.Tasks[i]; t.State != TaskSuperseded && (t.Requirement == req || slices.Contains(t.Covers, req)) {
			return t
		}
	}
	return nil
}

func (r *record) addTask(kind string, req verifier.RequirementID, msg string) *taskState {
	r.st.TaskSeq++
	t := &taskState{
		ID:          fmt.Sprintf("%s-%d", kind, r.st.TaskSeq),
		Kind:        kind,
		Requirement: req,
		State:       TaskOpen,
		Message:     msg,
		CreatedAt:   r.now,
		UpdatedAt:   r.now,
	}
	r.st.Tasks = append(r.st.Tasks, t)
	return t
}

// settled reports whether the application needs nothing more for step 2:
// no task waits, and every requirement is satisfied or was pending on a
// task that is now done.
func (r *record) settled() bool {
	for _, t := range r.st.Tasks {
		if t.State != TaskDone && t.State != TaskSuperseded {
			return false
		}
	}
	if r.st.Report == nil {
		return false
	}
	for _, res := range r.st.Report.Requirements {
		switch res.Outcome {
		case verifier.Satisfied:
		case verifier.Pending:
			if t := r.taskFor(res.ID); t == nil || t.State != TaskDone {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// maybeVerified moves a verifying application on to step 3 once it is
// settled.
func (r *record) maybeVerified() error {
	if r.position() != posVerifying || !r.settled() {
		return nil
	}
	return r.transition(ActionVerified, actorSystem, "every requirement is settled")
}

// Actors the engine itself records.
const (
	actorSystem       = "system"
	actorApplicant    = "applicant"
	actorAdmin        = "system_admin"
	actorManager      = "facility_manager"
	actorProfessional = "professional"
)

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// otpDigits is the length of a one-time code.
const otpDigits = 6

// newCode draws a uniformly distributed 6-digit code from r by rejection
// sampling, so that no code is likelier than another.
func newCode(r io.Reader) (string, error) {
	const n = 1_000_000
	const limit = ^uint64(0) - ^uint64(0)%n
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", fmt.Errorf("onboarding: random source: %w", err)
		}
		if v := binary.BigEndian.Uint64(b[:]); v < limit {
			return fmt.Sprintf("%0*d", otpDigits, v%n), nil
		}
	}
}

// issueCode gives t a fresh code: a new salt and hash, a new expiry, and
// a clean attempt count. It returns the plain code, which only the OTP
// message carries.
func (s *Service) issueCode(r *record, t *taskState) (string, error) {
	code, err := newCode(s.rand)
	if err != nil {
		return "", err
	}
	var salt [16]byte
	if _, err := io.ReadFull(s.rand, salt[:]); err != nil {
		return "", fmt.Errorf("onboarding: random source: %w", err)
	}
	t.Salt = hex.EncodeToString(salt[:])
	t.Hash = s.codeHash(r.app.ID, t, code)
	t.ExpiresAt = r.now.Add(s.otp.TTL)
	t.Attempts = 0
	t.State = TaskOpen
	t.UpdatedAt = r.now
	return code, nil
}

func (s *Service) codeHash(appID string, t *taskState, code string) string {
	mac := hmac.New(sha256.New, s.otpKey)
	for _, part := range []string{"hcxonboard.otp.v1", appID, t.ID, t.Salt, code} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		mac.Write(n[:])
		mac.Write([]byte(part))
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// codeMatches compares in constant time.
func (s *Service) codeMatches(appID string, t *taskState, code string) bool {
	want, err := hex.DecodeString(t.Hash)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got, _ := hex.DecodeString(s.codeHash(appID, t, code))
	return hmac.Equal(got, want)
}

// wellFormedCode reports whether code looks like a one-time code at all
// (digits, 4 to 8 of them: HFR's may differ in length from ours).
func wellFormedCode(code string) bool {
	if len(code) < 4 || len(code) > 8 {
		return false
	}
	return strings.Trim(code, "0123456789") == ""
}

// adminAddress is where the system admin's code goes: the e-mail address,
// or the mobile number when there is none.
func adminAddress(app *hcxonboard.Application) string {
	if app.SystemAdmin == nil {
		return ""
	}
	if e := strings.TrimSpace(app.SystemAdmin.Email); e != "" {
		return e
	}
	if m, err := verifier.NormalizeMobile(app.SystemAdmin.Mobile); err == nil {
		return m
	}
	return ""
}
