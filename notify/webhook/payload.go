package webhook

import (
	"github.com/openhcx/hcxonboard/notify"
	"github.com/openhcx/hcxonboard/onboarding"
)

// Header names and media types of a delivery.
const (
	// SignatureHeader carries the detached JWS (RFC 7515, appendix F) over
	// the request body: "<protected header>..<signature>".
	SignatureHeader = "X-HCX-Signature"
	// IdempotencyKeyHeader carries the message's idempotency key, the same
	// on every retry and every redelivery (see notify.Key). It is also
	// signed, in the protected header's KeyHeaderParameter.
	IdempotencyKeyHeader = "Idempotency-Key"
	// ContentType is the body's media type.
	ContentType = "application/json"
	// JWSType is the "typ" of the signature's protected header.
	JWSType = "hcx-webhook+jws"
	// KeyHeaderParameter is the protected header parameter that binds the
	// idempotency key to the signature.
	KeyHeaderParameter = "hcx_idempotency_key"
	// SignedAtHeaderParameter is the protected header parameter with the
	// signing time, in seconds since 1970 (as JWT's "iat").
	SignedAtHeaderParameter = "iat"
)

// Payload is the JSON body of a delivery: the onboarding.Message, less
// what a receiver must not see.
type Payload struct {
	// ID is the idempotency key, as in IdempotencyKeyHeader.
	ID              string `json:"id"`
	Kind            string `json:"kind"`
	To              string `json:"to"`
	ApplicationID   string `json:"application_id,omitempty"`
	ParticipantCode string `json:"participant_code,omitempty"`
	Subject         string `json:"subject,omitempty"`
	Body            string `json:"body,omitempty"`
	// Code is sent only with the kinds that carry one: the one-time code
	// of an onboarding.MessageOTP and the decline code of an
	// onboarding.MessageHFRIntimation (for the operator's HFR
	// arrangement to pass on to the facility manager). It is never sent
	// with any other kind, whatever the message holds.
	Code string `json:"code,omitempty"`
}

// newPayload makes the body of m, sent under key.
func newPayload(m onboarding.Message, key string) Payload {
	p := Payload{ID: key, Kind: m.Kind, To: m.To, ApplicationID: m.ApplicationID,
		ParticipantCode: m.ParticipantCode, Subject: m.Subject, Body: m.Body}
	if notify.CarriesCode(m.Kind) {
		p.Code = m.Code
	}
	return p
}
