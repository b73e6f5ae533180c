package onboarding

import (
	"sort"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/registry"
)

// Actions: the audit events' Action values, one per kind of change.
const (
	ActionSubmit           = "submit"            // the application arrives
	ActionRegister         = "register"          // the participant is registered (status Created)
	ActionReject           = "reject"            // sandbox, verification, payer or reviewer says no
	ActionRecheck          = "recheck"           // the online checks ran again
	ActionVerified         = "verified"          // every requirement settled: on to step 3
	ActionOTPSent          = "otp_sent"          // HFR sent its OTP to the facility manager
	ActionOTPUnavailable   = "otp_unavailable"   // HFR would not send one: staff review instead
	ActionConfirmOTP       = "confirm_otp"       // the right code
	ActionOTPFailed        = "otp_failed"        // a wrong code
	ActionOTPLocked        = "otp_locked"        // the last allowed wrong code
	ActionOTPAttempt       = "otp_attempt"       // an attempt reserved before HFR checks a code, or given back
	ActionResendOTP        = "resend_otp"        // a new code
	ActionApprove          = "approve"           // a payer or reviewer says yes
	ActionWithdraw         = "withdraw"          // the applicant gives up
	ActionSubmitDetails    = "submit_details"    // step 3
	ActionProvision        = "provision"         // step 4
	ActionRotateSecret     = "rotate_secret"     // a new secret, the old one overlapping
	ActionReportCompromise = "report_compromise" // every secret and earlier token revoked
	ActionGoLive           = "go_live"           // step 5: Active
	ActionSuspend          = "suspend"           // Active → Blocked
	ActionSuspendTakeover  = "suspend_takeover"  // Blocked → Blocked: staff take over a suspension at certificate expiry
	ActionReinstate        = "reinstate"         // Blocked → Active
	ActionDeboardWarning   = "deboard_warning"   // an involuntary de-boarding is announced
	ActionAppeal           = "appeal"            // the announced de-boarding is stopped
	ActionManagerDeclined  = "manager_declined"  // the HFR manager declined a participant already suspended
	ActionDeboard          = "deboard"           // → Inactive
)

// Positions: the stages before go-live, the participant's status after.
const (
	posNew         = ""
	posSubmitted   = string(registry.StageSubmitted)
	posVerifying   = string(registry.StageVerifying)
	posDetails     = string(registry.StageDetails)
	posCredentials = string(registry.StageCredentials)
	posRejected    = string(registry.StageRejected)
	posWithdrawn   = string(registry.StageWithdrawn)
	posActive      = string(hcxonboard.StatusActive)
	posBlocked     = string(hcxonboard.StatusBlocked)
	posInactive    = string(hcxonboard.StatusInactive)
)

type edge struct{ from, action string }

// edges is every allowed move: (position, action) → position. Nothing
// moves an application except through this table.
var edges = func() map[edge]string {
	m := map[edge]string{
		{posNew, ActionSubmit}:               posSubmitted,
		{posSubmitted, ActionRegister}:       posVerifying,
		{posSubmitted, ActionReject}:         posRejected,
		{posVerifying, ActionReject}:         posRejected,
		{posDetails, ActionReject}:           posRejected, // the HFR manager declines; a registry refutes
		{posCredentials, ActionReject}:       posRejected,
		{posVerifying, ActionVerified}:       posDetails,
		{posDetails, ActionSubmitDetails}:    posCredentials,
		{posCredentials, ActionGoLive}:       posActive,
		{posActive, ActionSuspend}:           posBlocked,
		{posBlocked, ActionReinstate}:        posActive,
		{posCredentials, ActionProvision}:    posCredentials,
		{posActive, ActionProvision}:         posActive,
		{posBlocked, ActionProvision}:        posBlocked, // by staff: a suspended participant acts with its secret
		{posCredentials, ActionRotateSecret}: posCredentials,
		{posActive, ActionRotateSecret}:      posActive,
	}
	stay := func(action string, at ...string) {
		for _, p := range at {
			m[edge{p, action}] = p
		}
	}
	for _, a := range []string{ActionRecheck, ActionOTPSent, ActionOTPUnavailable, ActionConfirmOTP, ActionOTPFailed,
		ActionOTPLocked, ActionOTPAttempt, ActionResendOTP, ActionApprove, ActionSendBack, ActionAmend} {
		stay(a, posVerifying)
	}
	stay(ActionDocumentUploaded, posSubmitted, posVerifying)
	stay(ActionDocumentMatched, posVerifying)
	stay(ActionDocumentRefused, posVerifying)
	stay(ActionSubmitDetails, posCredentials, posActive, posBlocked)
	stay(ActionReportCompromise, posCredentials, posActive, posBlocked)
	stay(ActionDeboardWarning, posActive, posBlocked)
	stay(ActionStepUpSent, posActive, posBlocked)
	stay(ActionReadinessChecked, posCredentials, posActive, posBlocked)
	stay(ActionNoticeSent, posCredentials, posActive, posBlocked)
	stay(ActionRotateApplicantToken, posSubmitted, posVerifying, posDetails, posCredentials)
	stay(ActionApplicantTokenUsed, posSubmitted, posVerifying, posDetails, posCredentials)
	stay(ActionViewContacts, posSubmitted, posVerifying, posDetails, posCredentials, posRejected, posWithdrawn,
		posActive, posBlocked, posInactive)
	stay(ActionViewDocument, posSubmitted, posVerifying, posDetails, posCredentials, posRejected, posWithdrawn,
		posActive, posBlocked, posInactive)
	stay(ActionStepUpFailed, posActive, posBlocked)
	stay(ActionAppeal, posActive, posBlocked)
	stay(ActionManagerDeclined, posBlocked)
	// Only a suspension at certificate expiry is taken over: Suspend
	// checks that, and Blocked --suspend--> stays refused.
	stay(ActionSuspendTakeover, posBlocked)
	for _, p := range []string{posSubmitted, posVerifying, posDetails, posCredentials} {
		m[edge{p, ActionWithdraw}] = posWithdrawn
	}
	for _, p := range []string{posActive, posBlocked} {
		m[edge{p, ActionDeboard}] = posInactive
	}
	return m
}()

// offNetwork are the actions a participant whose announced de-boarding
// has taken effect may no longer take, though ProcessDeboardings has not
// yet made it Inactive: those that would keep it on the network.
var offNetwork = map[string]bool{
	ActionProvision: true, ActionRotateSecret: true, ActionSubmitDetails: true,
	ActionReinstate: true, ActionStepUpSent: true,
}

// targets maps each action to the positions it can lead to, for naming
// the intended end in a TransitionError.
var targets = func() map[string][]string {
	seen := make(map[string]map[string]bool)
	for e, to := range edges {
		if seen[e.action] == nil {
			seen[e.action] = make(map[string]bool)
		}
		seen[e.action][to] = true
	}
	out := make(map[string][]string, len(seen))
	for a, set := range seen {
		for to := range set {
			out[a] = append(out[a], to)
		}
		sort.Strings(out[a])
	}
	return out
}()

// nominalTarget names where action leads: its one target (even where the
// application already stands: suspending a Blocked participant leads to
// Blocked), or, for an action that leads to several places, the stage
// before go-live it moves an application on to (provision: credentials),
// else another place than from.
func nominalTarget(action, from string) string {
	ts := targets[action]
	if len(ts) == 1 {
		return ts[0]
	}
	for _, t := range ts {
		if !isStatus(t) && t != from {
			return t
		}
	}
	for _, t := range ts {
		if t != from {
			return t
		}
	}
	return ""
}

func isStatus(pos string) bool {
	return pos == posActive || pos == posBlocked || pos == posInactive
}

// positionName spells the empty position for messages.
func positionName(pos string) string {
	if pos == posNew {
		return "new"
	}
	return pos
}

// Allowed reports whether action may be taken from position (a stage
// before go-live, the participant's status after), and where it leads.
// Tools use it to offer only the actions that can work.
func Allowed(position, action string) (to string, ok bool) {
	to, ok = edges[edge{position, action}]
	return to, ok
}

// isLive reports whether r's participant is live: Active, or suspended.
func (r *record) isLive() bool {
	pos := r.position()
	return pos == posActive || pos == posBlocked
}
