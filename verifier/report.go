package verifier

// Outcome is how one requirement ended.
type Outcome string

// The four outcomes.
const (
	// Satisfied: the requirement is met (or, for an optional one, does not
	// apply).
	Satisfied Outcome = "satisfied"
	// Missing: something the requirement needs was not given.
	Missing Outcome = "missing"
	// Invalid: something was given but is wrong: a bad GSTIN check
	// character, a malformed HFR ID, an expired certificate, a facility HFR
	// does not know.
	Invalid Outcome = "invalid"
	// Pending: it cannot be settled by looking at the application: a
	// registry look-up, an OTP, a person's or a payer's decision.
	// Result.Task says what it waits on.
	Pending Outcome = "pending"
)

// Valid reports whether o is one of the four outcomes.
func (o Outcome) Valid() bool { return o.severity() >= 0 }

// severity orders outcomes so that merging keeps the worse:
// invalid > missing > pending > satisfied.
func (o Outcome) severity() int {
	switch o {
	case Satisfied:
		return 0
	case Pending:
		return 1
	case Missing:
		return 2
	case Invalid:
		return 3
	}
	return -1
}

// Worse reports whether o is worse than other (invalid > missing > pending >
// satisfied). An unknown outcome is worse than every known one, so a broken
// custom check can never make a report look better than it is.
func (o Outcome) Worse(other Outcome) bool {
	a, b := o.severity(), other.severity()
	if a < 0 {
		a = 4
	}
	if b < 0 {
		b = 4
	}
	return a > b
}

// Verdict sums a report up.
type Verdict string

// The three verdicts.
const (
	// VerdictReady: nothing is missing or invalid; pending requirements may
	// remain (OTPs, look-ups, approvals) for the onboarding workflow to settle.
	VerdictReady Verdict = "ready"
	// VerdictIncomplete: something is missing, nothing is invalid.
	VerdictIncomplete Verdict = "incomplete"
	// VerdictInvalid: something is invalid.
	VerdictInvalid Verdict = "invalid"
)

// VerdictOf applies the verdict rule to results: invalid if any result is
// invalid (or carries an unknown outcome), else incomplete if any is
// missing, else ready.
func VerdictOf(results []Result) Verdict {
	v := VerdictReady
	for _, r := range results {
		switch r.Outcome {
		case Satisfied, Pending:
		case Missing:
			v = VerdictIncomplete
		default:
			return VerdictInvalid
		}
	}
	return v
}

// TaskKind names what a pending requirement waits on.
type TaskKind string

// The task kinds.
const (
	// TaskOTP: the operator sends a one-time password to the system admin the
	// application names, and the admin confirms it.
	TaskOTP TaskKind = "otp"
	// TaskHFROTP: HFR sends its own OTP to the facility manager HFR has on
	// record (never to a number the applicant typed), and the manager
	// confirms it.
	TaskHFROTP TaskKind = "hfr_otp"
	// TaskApproval: the empanelling payer or scheme must confirm the
	// empanelment.
	TaskApproval TaskKind = "approval"
	// TaskReview: a person decides: operator staff, a ROHINI administrator,
	// or the regulator case by case.
	TaskReview TaskKind = "review"
	// TaskRetry: a registry could not be reached; run the verification again
	// later.
	TaskRetry TaskKind = "retry"
	// TaskAwaitRegistry: the registry holds the applicant's record but has
	// not finished its own process — an HFR facility still Draft or
	// Submitted (see DefaultHFRPipelineStatuses). Nothing is refused: the
	// guideline (option 2.1) lets the applicant complete the HFR process.
	// The application waits and the check runs again, as for TaskRetry but
	// on the registry's time, measured in days; it goes on when the registry
	// has verified the record, and whatever the registry then says about
	// the record is judged as for any look-up.
	TaskAwaitRegistry TaskKind = "await_registry"
	// TaskHPRAuth: the professional proves to be the holder of the HPR ID
	// through HPR's own authentication — a one-time password HPR sends by
	// Aadhaar OTP or mobile OTP (a ProfessionalAuth runs it) — and the
	// profile HPR then returns decides the requirement (see
	// ConfirmProfessional). The result's "auth_methods" finding lists the
	// methods HPR offers.
	TaskHPRAuth TaskKind = "hpr_auth"
)

// Result is the outcome of one requirement, with a message a person can act
// on. Task is set only when Outcome is Pending.
type Result struct {
	ID      RequirementID `json:"id"`
	Outcome Outcome       `json:"outcome"`
	Message string        `json:"message"`
	Task    TaskKind      `json:"task,omitempty"`
	// Findings say, field by field, what an online check compared: the
	// applicant's value beside the registry's. A finding that does not
	// match never leaves the result satisfied.
	Findings []Finding `json:"findings,omitempty"`
	// Claims are single-use evidence the result relies on, such as a
	// payer-signed empanelment proof ("empanelment:<iss>|<jti>"): the
	// engine claims them for the application so that one proof backs one
	// participant. They may also be registry identities the check learnt
	// (HPRClaims: every form of an HPR id), which the engine holds as it
	// holds the submitted ids.
	Claims []string `json:"claims,omitempty"`
	// Identity names the registry whose id the result checked — one of
	// IdentityHFR, IdentityHPR, IdentityRohini and IdentityIRDA for the
	// built-in checks of those ids, whatever requirement ID a policy gives
	// them, and empty otherwise. The onboarding engine holds and publishes
	// only the ids a result checked.
	Identity string `json:"identity,omitempty"`
	// Document names the document kind whose references the result
	// checked (RequireDocument's) when its requirement does not name it
	// (Requirement.Document): a requirement built in code without
	// DocumentRequirement (for a requirement two categories share, where
	// either does not). It is empty otherwise. The onboarding engine
	// holds each reference of the kinds, named either way, before it
	// relies on it.
	Document string `json:"document,omitempty"`
}

// The registries whose ids results check (Result.Identity).
const (
	IdentityHFR    = "hfr"
	IdentityHPR    = "hpr"
	IdentityRohini = "rohini"
	IdentityIRDA   = "irda"
)

// FindingRoles is the Field of a Finding on the roles applied for, and
// SourceOperator the Source of one the operator's own policy made (a
// Resolver refusing a role): the sandbox_certificate result that carries
// it refuses the roles, not the certificate.
const (
	FindingRoles   = "roles"
	SourceOperator = "operator"
)

// Finding is one field an online check compared. Each check documents the
// fields it reports (see doc.go, "Findings").
type Finding struct {
	Field     string `json:"field"`               // "name", "pincode", "status", "facility_type", …
	Applicant string `json:"applicant,omitempty"` // what the application says
	Registry  string `json:"registry,omitempty"`  // what the registry says
	Source    string `json:"source"`              // "hfr", "hpr", "rohini", "payer"
	Match     bool   `json:"match"`
	Note      string `json:"note,omitempty"`
}

// Report is the verification of one application: the categories it fell
// into, each requirement's result in policy order, and the verdict.
type Report struct {
	Verdict      Verdict    `json:"verdict"`
	Categories   []Category `json:"categories"`
	Requirements []Result   `json:"requirements"`
}

// Result returns the result of requirement id, if the report has one.
func (r *Report) Result(id RequirementID) (Result, bool) {
	if r == nil {
		return Result{}, false
	}
	for _, res := range r.Requirements {
		if res.ID == id {
			return res, true
		}
	}
	return Result{}, false
}

// Pending returns the pending results, the work the onboarding workflow
// still has to do, in report order.
func (r *Report) Pending() []Result {
	if r == nil {
		return nil
	}
	var out []Result
	for _, res := range r.Requirements {
		if res.Outcome == Pending {
			out = append(out, res)
		}
	}
	return out
}

// HasCategory reports whether the application fell into category c.
func (r *Report) HasCategory(c Category) bool {
	if r == nil {
		return false
	}
	for _, x := range r.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// merge adds res to results, or, when a result with the same ID is already
// there (two categories share a requirement), keeps the worse of the two.
// On a tie the first one stays, so the report reads in policy order. The
// one kept names the document kind the other checked (Document) when it
// names none itself, so that the references both relied on are held.
func merge(results []Result, res Result) []Result {
	for i := range results {
		if results[i].ID == res.ID {
			kept, other := results[i], res
			if res.Outcome.Worse(results[i].Outcome) {
				kept, other = res, results[i]
			}
			if kept.Document == "" {
				kept.Document = other.Document
			}
			results[i] = kept
			return results
		}
	}
	return append(results, res)
}
