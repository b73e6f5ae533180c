package onboarding

import (
	"context"
	"errors"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// Message kinds the engine sends through its Notifier.
const (
	// MessageOTP carries a one-time code to an applicant's system admin.
	// It is the only message with Code set.
	MessageOTP = "otp"
	// MessageApprovalRequest asks the empanelling payer or scheme to
	// confirm that the provider is empanelled with it.
	MessageApprovalRequest = "approval_request"
	// MessageReviewRequest tells operator staff that an application waits
	// on a manual review.
	MessageReviewRequest = "review_request"
	// MessageHFRIntimation tells the facility manager HFR has on record of
	// the onboarding attempt.
	MessageHFRIntimation = "hfr_intimation"
	// MessageRejected tells the applicant its application was rejected.
	MessageRejected = "rejected"
	// MessageOnboarded is the network broadcast of a participant's go-live.
	MessageOnboarded = "onboarded"
	// MessageSuspended and MessageReinstated tell the participant of a
	// suspension and its end.
	MessageSuspended  = "suspended"
	MessageReinstated = "reinstated"
	// MessageDeboardWarning warns a participant of an involuntary
	// de-boarding and the date it takes effect unless appealed.
	MessageDeboardWarning = "deboard_warning"
	// MessageAppealReceived confirms that an appeal stopped a pending
	// de-boarding.
	MessageAppealReceived = "appeal_received"
	// MessageDeboarded is the network broadcast of a de-boarding.
	MessageDeboarded = "deboarded"
	// MessageReadinessFailed tells a live participant and staff that its
	// endpoint failed a readiness check.
	MessageReadinessFailed = "readiness_failed"
	// MessageDetailsChanged tells a live participant's contacts that its
	// endpoint or certificates changed.
	MessageDetailsChanged = "details_changed"
	// MessageSentBack tells the applicant what to correct (SendBack).
	MessageSentBack = "sent_back"
	// MessageCredentialsRevoked tells the participant that a compromise
	// report revoked its secrets and tokens.
	MessageCredentialsRevoked = "credentials_revoked"
	// MessageCredentialsIssued tells a live participant's registered
	// contacts that it was issued a new production secret: by Provision
	// or ProvisionBy (staff, or the applicant once its secrets expired or
	// were revoked) or by RotateSecret. It never carries the secret.
	MessageCredentialsIssued = "credentials_issued"
)

// Addresses that are not an e-mail or a mobile number.
const (
	// Broadcast addresses every participant of the network.
	Broadcast = "broadcast"
	// Staff addresses the operator's own review staff.
	Staff = "staff"
)

// Message is one outbound notification. To is an e-mail address, a mobile
// number, a participant code (for a payer), Broadcast, Staff, or
// "<facility id>@hfr" — the manager HFR holds for that facility, whom the
// operator reaches through its HFR arrangement.
type Message struct {
	// ID identifies the message for good: with the outbox, a message
	// retried after a failure, or sent again after a crash, keeps it.
	// Transports pass it on as the idempotency key (an e-mail's
	// Message-ID, a webhook's Idempotency-Key) so that the receiving end
	// can drop a duplicate.
	ID              string
	Kind            string
	To              string
	ApplicationID   string
	ParticipantCode string
	Subject         string
	Body            string
	// Code is the one-time code of a MessageOTP, or the decline code of a
	// MessageHFRIntimation (the facility manager quotes it to decline the
	// onboarding): the one place a code leaves the engine. Never log it.
	Code string
}

// Notifier delivers messages: e-mail, SMS, a queue, the HCX notification
// API. Notify must be safe for concurrent use. The engine calls it after
// the change the message reports is stored; a failure is logged (never
// with the code) and, except for ResendOTP, does not fail the call. With
// the outbox a failed message is tried again later, unless its error has
// a Permanent() bool method answering true (sending again cannot change
// it): then it is a dead letter at once. An error with a RetryDelay()
// time.Duration method (a receiver's Retry-After) puts the next attempt
// no sooner than that, within the message's life.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, m Message) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, m Message) error {
	if f == nil {
		return errors.New("onboarding: nil NotifierFunc")
	}
	return f(ctx, m)
}

var _ Notifier = NotifierFunc(nil)

// distinctAddresses is addrs less the empty ones and those that reach the
// same recipient as one before: e-mails compared ignoring case, mobiles by
// their ten digits. One notice goes to each recipient once.
func distinctAddresses(addrs ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		key := strings.ToLower(a)
		if m, err := verifier.NormalizeMobile(a); err == nil {
			key = m
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, a)
		}
	}
	return out
}

// maskAddress hides personal data in an address for logs.
func maskAddress(to string) string {
	switch {
	case to == Broadcast || to == Staff:
		return to
	case strings.HasSuffix(to, "@hfr"):
		return to // a facility id, public
	case strings.Contains(to, "@") && strings.Contains(to[strings.LastIndexByte(to, '@'):], "."):
		return hcxonboard.MaskEmail(to)
	case strings.ContainsAny(to, "0123456789") && strings.Trim(to, "+0123456789 -") == "":
		return hcxonboard.MaskMobile(to)
	}
	if _, err := verifier.NormalizeMobile(to); err == nil {
		return hcxonboard.MaskMobile(to) // "(98765) 43210", "98765.43210"
	}
	return to // a participant code
}
