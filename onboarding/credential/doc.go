// Package credential provisions a participant's production credentials,
// step 4 of the HCX production onboarding guideline: the participant code,
// the production access secret and the access tokens obtained with it.
//
// The package makes and checks values; it stores nothing. The onboarding
// engine keeps the SecretRecords inside its application records and hands
// them back to Check, Rotate and RevokeAll.
//
// # Participant codes
//
// A CodeGenerator proposes codes of the form participant@instance.
// PlatformCodes follows the reference HCX platform
// (role4_name6_seq@instance, lower-case, as in hosp_rakshi_012345@hcx01);
// OpaqueCodes follows NHCX, whose codes are random digits that carry no
// meaning. A generator only proposes: the registry's unique index is the
// judge, and the caller asks again on a collision.
//
// # Production access secrets
//
// Secrets.New mints a secret of 256 random bits, written as
//
//	hcxs_<43 base64url characters><6-character checksum>
//
// The prefix lets secret scanners spot a leaked secret; the CRC-32
// checksum tells a typo from a real secret before any lookup. The secret is
// shown once; the operator keeps only a SecretRecord holding its SHA-256,
// its creation and expiry times (90 days by default) and, once revoked,
// the revocation time. Check compares in constant time against every
// record and says no more than it must: ErrMalformedSecret for a string
// that is no secret, ErrInvalidSecret alike for an unknown or a revoked
// one, ErrSecretExpired for an expired one. Rotate issues a new secret and
// lets the old ones live on for an overlap window; RevokeAll answers a
// compromise report.
//
// # Access tokens
//
// Tokens issues JWTs signed with the operator's key (Ed25519 and EdDSA by
// default; RSA and RS256 for gateways that expect it) with the claims iss,
// sub, aud, iat, exp (whole seconds, per RFC 7519), jti, participant_code
// and realm_access.participant_roles. Verify accepts only the algorithms of
// its own keys, chosen by kid, and refuses alg "none", HMAC, unknown keys,
// expired tokens and wrong issuers or audiences. After a compromise report
// the engine passes NotIssuedBefore(reportTime) so that tokens obtained
// with the leaked secret die with it. JWKSHandler publishes the public keys,
// the current one and those kept by WithPreviousKeys after a rotation.
//
// # Profiles
//
// WithProfile chooses the shape of the tokens for the software that will
// read them: ProfileOwn (the default, above), ProfileSpec (HCX v0.9: RS256,
// adding user_id and realm_access.user_roles), ProfilePlatform (the
// reference platform's API gateway: also entity ["Organisation"],
// realm_access.roles spelled as its RBAC spells them, "payor", and sub the
// participant's owner id, OwnerID, which its registry records carry as
// osOwner) or ProfileNHCX (ProfileSpec's tokens). Verify accepts only
// tokens of its own profile's shape and still refuses everything above. A
// Profile also says how registry records are spelled (RoleName,
// RecordRoles) and whether they carry certificates by URL
// (CertificatesByURL), as the base64 of their PEM (CertificatesBase64, the
// NHCX form) or inline.
//
// Secrets, tokens and key material never appear in error messages.
package credential
