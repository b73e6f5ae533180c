package onboarding

// MessageKinds returns every message kind the engine sends through its
// Notifier (the Message* constants), in a new slice the caller may
// change. A transport that renders per-kind text checks it against each.
func MessageKinds() []string {
	return []string{
		MessageOTP, MessageApprovalRequest, MessageReviewRequest, MessageHFRIntimation,
		MessageRejected, MessageOnboarded, MessageSuspended, MessageReinstated,
		MessageDeboardWarning, MessageAppealReceived, MessageDeboarded, MessageReadinessFailed,
		MessageDetailsChanged, MessageSentBack, MessageCredentialsRevoked, MessageCredentialsIssued,
		MessageCertificateExpiring, MessageCertificateExpired, MessageSecretExpiring,
		MessageApplicationExpired,
	}
}
