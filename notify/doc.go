// Package notify holds what the onboarding engine's transports share. The
// transports themselves are its sub-packages, each an onboarding.Notifier
// that the engine never imports:
//
//   - notify/email sends e-mail over SMTP (STARTTLS or implicit TLS, AUTH),
//     with plain-text and HTML bodies from templates the operator may
//     replace;
//   - notify/webhook POSTs the message as JSON, signed with the operator's
//     key as a detached JWS that receivers check against the operator's
//     JWKS (webhook.Verify);
//   - notify/sms sends one-time codes through an HTTP SMS gateway;
//   - notify/route picks one of them by the kind of address a message is
//     for.
//
// # The idempotency key
//
// The engine may hand a message over more than once: its outbox delivers
// at least once, and retries after a failure or a crash. Every transport
// therefore passes one key per message on to the receiving end — an
// e-mail's Message-ID, a webhook's Idempotency-Key header, an SMS
// gateway's reference where its URL asks for one — so that the receiver
// can drop a duplicate. Key says which key: the message's ID, which the
// outbox sets and keeps for good; else a digest of the message's content.
// Callers who deliver messages of their own choose the key by setting
// Message.ID.
//
// # Personal data
//
// Transports never log a message's body or code, log addresses only
// masked, and keep addresses out of their error texts: a remote server's
// own words pass through hcxonboard.RedactText first.
package notify
