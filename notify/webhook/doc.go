// Package webhook delivers onboarding messages to participants as signed
// HTTP POSTs, and checks such deliveries for receivers.
//
// # Sending
//
// A Sender is an onboarding.Notifier. For each message it asks the
// operator's EndpointFunc for the https URL of the message's address (a
// participant code, usually: a payer asked to confirm an empanelment),
// and POSTs the message as a JSON Payload with:
//
//   - Idempotency-Key: the message's key (notify.Key) — the outbox's
//     Message.ID, the same on every attempt and every redelivery;
//   - X-HCX-Signature: a detached JWS (RFC 7515, appendix F) over the
//     exact body, signed with the operator's key — EdDSA, ES256 or RS256
//     by the kind of key — whose protected header carries "kid", "typ"
//     (JWSType), the idempotency key (KeyHeaderParameter) and "iat".
//
// The body carries Code only for the kinds that carry one
// (onboarding.MessageOTP, onboarding.MessageHFRIntimation).
//
// A Notify call retries a connection failure, 408, 429 and 5xx up to
// WithMaxAttempts times: after the receiver's Retry-After (seconds or a
// date) when it gives one and it is no longer than WithMaxRetryAfter,
// else after an exponential backoff with jitter; never past the context's
// deadline. Any other 4xx is final. Whatever one call does not deliver,
// the engine's outbox tries again later under the same key.
//
// The HTTP client is injected (WithClient): give the operator's
// safefetch client, so that a participant's endpoint can never point the
// operator at its own network. Without one the Sender makes a safefetch
// client of its own.
//
// # Receiving
//
// Verify checks a request against the operator's published JWKS: the
// key by kid, the algorithm the key allows, the signature over the body,
// and the signed idempotency key against the Idempotency-Key header. It
// returns the Delivery; the receiver drops a duplicate by its ID.
// VerifyTo also checks that the delivery is addressed to the receiver (or
// is a broadcast): a signature says who sent a body, not to whom, and a
// participant could otherwise replay its own notices to another's
// endpoint.
//
// # Personal data
//
// A *DeliveryError names the status and the number of attempts, never
// the endpoint's URL (it may carry a token), a body or a code; logs
// (WithLogger, debug level) carry the kind, the masked address and the
// key.
package webhook
