// Package sandbox issues and verifies HCX sandbox certificates: the proof,
// required by the production-onboarding guideline's first step, that a
// participant or its software solution passed a sandbox operator's
// compliance tests for the roles it applies for.
//
// The guideline names no format, so this package defines one. A sandbox
// certificate is a compact JWS with header typ [MediaType]
// ("hcx-sandbox-cert+jwt"), signed with EdDSA, ES256, ES384, RS256 or PS256
// (RSA keys of at least 2048 bits; never "none", never HMAC). Its claims
// are iss (the sandbox operator), sub, jti, iat, nbf, exp, hcx_roles (the
// roles certified; a parent role covers its sub-roles, so provider covers
// provider.hospital), and optionally participant_name, solution
// {name, version} and hcx_cert_kind: "participant" (the default: sub is the
// applicant's sandbox participant code and the certificate backs one
// production participant) or "solution" (a certified software solution
// many participants may rely on).
//
// An HCX operator lists the sandbox operators it accepts in a [TrustList]
// (a JSON file, see [LoadTrustList]); each issuer comes with its public
// keys, inline or at a jwks_url, and the roles it may certify. A
// [Verifier] built with that list checks a certificate for
// applicability (a trusted issuer, allowed to certify the roles applied
// for, and a certificate that certifies them) and validity (signature by
// that issuer's key, time window, not revoked through a pluggable
// [RevocationChecker]). A Verifier without a trust list — a participant
// checking its own application offline — checks everything but the
// signature and returns the certificate with Trusted false: the
// requirement is then pending, not satisfied.
//
// Failures wrap sentinel errors ([ErrExpired], [ErrSignature],
// [ErrRoleNotCovered] …) for errors.Is, with a message that names the
// problem ("sandbox: certificate expired at 2026-01-02T00:00:00Z"); role
// failures are also a [*RoleError]. Tokens never appear in errors.
//
// [Issuer] signs certificates, for sandbox operators and for tests, and
// publishes its public key set for a trust list or a jwks_url endpoint.
package sandbox
