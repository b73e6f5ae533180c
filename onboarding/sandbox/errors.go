package sandbox

import (
	"errors"
	"fmt"

	"github.com/openhcx/hcxonboard"
)

// Sentinel errors, for branching with errors.Is. Every error returned wraps
// one of them with a detail that names the offending value.
var (
	// ErrMalformed: not a compact JWS with one signature, or its header or
	// claims are not what a sandbox certificate carries.
	ErrMalformed = errors.New("sandbox: malformed certificate")
	// ErrAlgorithm: the "alg" header is not one of EdDSA, ES256, ES384,
	// RS256, PS256 (so never none or HMAC).
	ErrAlgorithm = errors.New("sandbox: signature algorithm not accepted")
	// ErrType: the "typ" header is missing or is not [MediaType].
	ErrType = errors.New("sandbox: not a sandbox certificate")
	// ErrUntrustedIssuer: the "iss" claim is not on the trust list.
	ErrUntrustedIssuer = errors.New("sandbox: issuer not on the trust list")
	// ErrSignature: no key of the trusted issuer verifies the signature.
	ErrSignature = errors.New("sandbox: signature does not verify")
	// ErrIssuerNotAllowed: the trust list does not let the issuer certify
	// a role applied for.
	ErrIssuerNotAllowed = errors.New("sandbox: issuer may not certify the role")
	// ErrExpired: the certificate's "exp" (plus the allowed skew) has passed.
	ErrExpired = errors.New("sandbox: certificate expired")
	// ErrNotYetValid: the certificate's "nbf" (or "iat") is still ahead.
	ErrNotYetValid = errors.New("sandbox: certificate not yet valid")
	// ErrRoleNotCovered: a role applied for is not among the certified roles.
	ErrRoleNotCovered = errors.New("sandbox: role not certified")
	// ErrRevoked: the revocation check reports the certificate's "jti" as
	// revoked.
	ErrRevoked = errors.New("sandbox: certificate revoked")
	// ErrRevocationUnavailable: the revocation check failed, so the status is
	// unknown. It is distinct from ErrRevoked: retry later.
	ErrRevocationUnavailable = errors.New("sandbox: revocation status unavailable")
	// ErrKeysUnavailable: the issuer's jwks_url could not be fetched or did
	// not hold a usable key set. It says nothing about the certificate:
	// retry later.
	ErrKeysUnavailable = errors.New("sandbox: issuer keys unavailable")

	// ErrInvalidKey: a key handed to NewIssuer or listed in a trust list is
	// not usable (wrong type, private where public is needed, RSA under
	// 2048 bits, HMAC …).
	ErrInvalidKey = errors.New("sandbox: key not accepted")
	// ErrInvalidTrustList: the trust list cannot be used.
	ErrInvalidTrustList = errors.New("sandbox: invalid trust list")
	// ErrInvalidClaims: Issue was given claims it cannot sign.
	ErrInvalidClaims = errors.New("sandbox: invalid claims")
)

// RoleError details a role applied for that the certificate does not
// cover: either the certificate does not certify it (Err is
// ErrRoleNotCovered) or the trust list does not let the issuer certify it
// (Err is ErrIssuerNotAllowed).
type RoleError struct {
	Role hcxonboard.Role
	// Issuer is the sandbox operator, set when Err is ErrIssuerNotAllowed.
	Issuer string
	// Have is what the role was checked against: the certified roles, or
	// the roles the trust list allows the issuer.
	Have []hcxonboard.Role
	Err  error
}

func (e *RoleError) Error() string {
	if errors.Is(e.Err, ErrIssuerNotAllowed) {
		return fmt.Sprintf("sandbox: sandbox operator %q may not certify role %s: the trust list allows it %v",
			clip(e.Issuer), e.Role, e.Have)
	}
	return fmt.Sprintf("sandbox: role %s is not among the certified roles %v", e.Role, e.Have)
}

// Unwrap returns the sentinel, ErrRoleNotCovered or ErrIssuerNotAllowed.
func (e *RoleError) Unwrap() error { return e.Err }
