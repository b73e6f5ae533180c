package credential

import "errors"

// Sentinel errors; match them with errors.Is. Errors returned by this
// package wrap one of these and add a reason, but never carry a secret or a
// token.
var (
	// ErrInvalidOption reports a constructor option or argument that cannot
	// work: a malformed instance code, a non-positive TTL, a nil clock.
	ErrInvalidOption = errors.New("credential: invalid option")
	// ErrInvalidArgument reports a bad argument to a call: an empty
	// participant name, an unknown role, a negative rotation overlap.
	ErrInvalidArgument = errors.New("credential: invalid argument")
	// ErrUnsupportedKey reports a signing key this package refuses: anything
	// but an Ed25519 or an RSA (≥ 2048 bits) key, and HMAC keys in
	// particular.
	ErrUnsupportedKey = errors.New("credential: unsupported key")

	// ErrMalformedSecret reports a string that is not a production access
	// secret at all: wrong prefix, wrong length, bad encoding or a checksum
	// that does not match (a typo). No record is consulted.
	ErrMalformedSecret = errors.New("credential: malformed secret")
	// ErrInvalidSecret reports a well-formed secret that matches no live
	// record. Unknown and revoked secrets get this same error, so a caller
	// learns nothing about which secrets once existed.
	ErrInvalidSecret = errors.New("credential: invalid secret")
	// ErrSecretExpired reports a secret that matches a record whose expiry
	// has passed. It tells the operator's log why a secret failed; the
	// answer to the caller should not differ from ErrInvalidSecret's.
	ErrSecretExpired = errors.New("credential: secret expired")

	// ErrInvalidToken reports an access token that must not be accepted;
	// the wrapping error names the reason (bad signature, wrong issuer …).
	ErrInvalidToken = errors.New("credential: invalid token")
	// ErrTokenExpired reports a token past its exp. Errors wrapping it also
	// wrap ErrInvalidToken.
	ErrTokenExpired = errors.New("credential: token expired")
)
