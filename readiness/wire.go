package readiness

import (
	"strings"
	"time"
)

// The wire protocol between the operator (Checker) and the participant
// (package participant). Both sides import these names, so they cannot
// drift apart.

// Path is where the participant serves the challenge, under its
// endpoint_url: an endpoint_url of https://hcx.hospital.example/api is
// challenged at https://hcx.hospital.example/api/hcx-onboarding/readiness.
const Path = "/hcx-onboarding/readiness"

// Media types. ChallengeType is the typ header of the operator's challenge
// JWS, AnswerType the typ header of the participant's signature; a
// distinct typ keeps either from being taken for an access token or an
// HCX message.
const (
	ChallengeType = "hcx-readiness+jwt"
	AnswerType    = "hcx-readiness-answer+jwt"
	// SealedType is the cty header of the JWE that carries the encrypted
	// nonce.
	SealedType = "hcx-readiness+json"
	// SealedPurpose is the purpose field of every SealedNonce. A handler
	// answers with a decrypted nonce only when the plaintext carries it,
	// so it never decrypts anything else (an HCX message, say) for the
	// caller.
	SealedPurpose = "hcx-readiness"
)

// TypeIs reports whether typ, a JWS typ header, names the media type
// want (ChallengeType, AnswerType): without regard to case, and with
// "application/" understood when it is left out, as RFC 7515 (section
// 4.1.9) has typ values compared. Both sides accept what JWT libraries
// write: "hcx-readiness+jwt" and "application/hcx-readiness+jwt" alike.
func TypeIs(typ, want string) bool {
	typ = strings.ToLower(typ)
	if t, ok := strings.CutPrefix(typ, "application/"); ok {
		typ = t
	}
	return typ == strings.ToLower(want)
}

// Limits both sides keep.
const (
	// MaxChallengeLifetime is the longest exp − iat a handler accepts.
	MaxChallengeLifetime = 5 * time.Minute
	// MaxBodyBytes caps the request and the answer bodies.
	MaxBodyBytes = 64 << 10
	// MinNonceLength and MaxNonceLength bound a nonce: base64url
	// characters only.
	MinNonceLength = 22
	MaxNonceLength = 128
)

// Request is the body the operator POSTs to endpoint_url + Path, as
// application/json.
type Request struct {
	// Challenge is a compact JWS (typ ChallengeType, signed by the
	// operator's key, kid in the header) over ChallengeClaims.
	Challenge string `json:"challenge"`
}

// ChallengeClaims is the payload of the challenge JWS.
type ChallengeClaims struct {
	Issuer   string `json:"iss"` // the operator
	Audience string `json:"aud"` // the participant code challenged
	IssuedAt int64  `json:"iat"` // seconds since the epoch
	Expiry   int64  `json:"exp"` // seconds; at most MaxChallengeLifetime after iat
	ID       string `json:"jti"` // single-use; the answer names it
	Nonce    string `json:"nonce"`
	// EncryptedNonce is a compact JWE (alg RSA-OAEP-256 or RSA-OAEP, enc
	// A256GCM, cty SealedType) of a SealedNonce, encrypted to the
	// participant's registered encryption certificate. Absent when the
	// operator has no usable certificate to encrypt to.
	EncryptedNonce string `json:"encrypted_nonce,omitempty"`
}

// SealedNonce is the plaintext of ChallengeClaims.EncryptedNonce.
type SealedNonce struct {
	Purpose string `json:"purpose"` // SealedPurpose
	ID      string `json:"jti"`     // the challenge's jti
	Nonce   string `json:"nonce"`   // a nonce of its own, not the challenge's
}

// Answer is the participant's 200 answer, as application/json (the
// checker takes it under any 2xx status).
type Answer struct {
	ID    string `json:"jti"`   // the challenge's jti
	Nonce string `json:"nonce"` // the challenge's nonce
	// DecryptedNonce is SealedNonce.Nonce, when the handler could decrypt
	// the JWE; otherwise DecryptError says why.
	DecryptedNonce string    `json:"decrypted_nonce,omitempty"`
	DecryptError   ErrorCode `json:"decrypt_error,omitempty"`
	// Signature is a compact JWS (typ AnswerType) over AnswerClaims by
	// the participant's signing key, when the handler has one.
	Signature string `json:"signature,omitempty"`
}

// AnswerClaims is the payload of Answer.Signature.
type AnswerClaims struct {
	Issuer   string `json:"iss"` // the participant code
	Audience string `json:"aud"` // the challenge's iss
	IssuedAt int64  `json:"iat"`
	ID       string `json:"jti"`   // the challenge's jti
	Nonce    string `json:"nonce"` // the challenge's nonce
}

// ErrorBody is the body of every refusal by a handler, with a 4xx or 5xx
// status, as application/json.
type ErrorBody struct {
	Error   ErrorCode `json:"error"`
	Message string    `json:"message"`
}

// ErrorCode names why a handler refused a challenge or could not decrypt
// its nonce. The operator turns each into a hint.
type ErrorCode string

// The error codes. The HTTP status a handler sends with each is given.
const (
	CodeBadRequest      ErrorCode = "bad_request"      // 400: not a well-formed challenge
	CodeUnknownIssuer   ErrorCode = "unknown_issuer"   // 401: iss is no operator the handler trusts
	CodeUnknownKey      ErrorCode = "unknown_key"      // 401: the operator has no key with that kid
	CodeBadSignature    ErrorCode = "bad_signature"    // 401: the signature does not verify
	CodeExpired         ErrorCode = "expired"          // 401: exp has passed
	CodeNotYetValid     ErrorCode = "not_yet_valid"    // 401: iat is in the future
	CodeWrongAudience   ErrorCode = "wrong_audience"   // 403: aud is not a participant the handler serves
	CodeReplay          ErrorCode = "replay"           // 409: the jti was seen before
	CodeKeysUnavailable ErrorCode = "keys_unavailable" // 503: the operator's keys could not be loaded
	CodeInternal        ErrorCode = "internal"         // 500

	// Only in Answer.DecryptError:
	CodeDecryptFailed ErrorCode = "decrypt_failed" // the private key does not open the JWE
	CodeUnsupported   ErrorCode = "unsupported"    // an algorithm the handler does not accept
)
