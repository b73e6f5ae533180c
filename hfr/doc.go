// Package hfr is a client for the ABDM registries an HCX operator checks when
// it onboards a provider: the Health Facility Registry (HFR), the Healthcare
// Professionals Registry (HPR), and the ABDM gateway session that authorises
// both.
//
// The operator supplies every base URL: the package names no registry host.
//
//	c, err := hfr.New(
//		hfr.WithGatewayURL(gatewayURL),   // ABDM gateway (sessions)
//		hfr.WithRegistryURL(registryURL), // HSP host serving HFR and HPR, version prefix included
//		hfr.WithEnvironment(hfr.Production),
//		hfr.WithCredentials(clientID, clientSecret),
//	)
//	if err != nil { … }
//	defer c.Close()
//	f, err := c.Facility(ctx, "IN2910000123")
//
// # Session
//
// Every call carries a gateway token (Authorization: Bearer …) obtained from
// the v3 sessions endpoint (or v0.5 with WithSessionAPI(V05)), with the
// REQUEST-ID, TIMESTAMP and X-CM-ID headers the gateway requires. The token
// is cached until a minute before expiresIn ends (until half its life when
// expiresIn is two minutes or less; 1200 s when the gateway gives none);
// concurrent callers share a single session request. When the gateway
// rejects a token (HTTP 401, or code 900901 with any 4xx) the call drops it
// and is sent once more with a fresh one, an OTP call too unless the
// refusal names a cause of the registry's own (see Retries).
//
// # Look-ups
//
// Facility uses the v1.5 facility search and accepts only the row with the
// requested ID; a Draft facility is returned (see Facility.IsDraft), not
// hidden. FacilityContact returns the manager HFR holds, masked.
// SendFacilityOTP and ValidateFacilityOTP prove that the applicant controls
// the facility record: HFR sends the code to its own contact, never to a
// number the applicant types. Professional reads an HPR profile with its
// council registrations.
//
// # Authenticating a professional
//
// StartHPRAuth and ConfirmHPRAuth run HPR's own authentication of a
// professional, the proof that the applicant is the holder of an HPR ID:
// HPR sends a one-time password by the method chosen — HPRAadhaarOTP (to the
// mobile linked with the professional's Aadhaar) or HPRMobileOTP (to the
// mobile in the HPR profile), whichever the profile's AuthMethods offer
// (Professional.OTPMethods) — and ConfirmHPRAuth returns the professional
// HPR authenticated, read with the professional's own token, which is used
// once and not kept. Passwords are never asked for.
//
// Identifiers are checked before any request: a malformed ID is
// ErrInvalidID and reaches nobody (see NormalizeFacilityID and
// NormalizeHPRID).
//
// # Errors
//
// Failures match the sentinels with errors.Is: ErrNotFound, ErrUnauthorized,
// ErrRateLimited, ErrUnavailable, ErrOTPRejected, ErrInvalidID,
// ErrAuthMethodUnavailable, ErrUnexpectedResponse (a success status whose
// body proves nothing) and ErrClosed. Registry answers are *APIError (errors.As) with the HTTP
// status, the registry's code and message, decoded from every shape the
// registries use (see DecodeError), including errors inside 200 bodies.
// Bodies over MaxResponseSize are never read in full nor truncated: a
// success answer that large is ErrUnavailable and hcxonboard.ErrTooLarge;
// an error answer that large is an *APIError of its status alone, so a 401
// still renews the session and a 503 is still retried.
// Error strings and log records never carry the client secret, tokens (the
// session's or a professional's) or OTPs.
//
// # Retries
//
// Look-ups and session requests are retried on HTTP 429, 502, 503, 504 and
// timeouts, with exponential backoff that honours Retry-After and the
// caller's context (WithRetry). Requests that send or check an OTP, for a
// facility or a professional, are never retried, with one exception that
// every call shares: a session token the gateway refuses (HTTP 401, or code
// 900901) is dropped and the request sent once more with a fresh session,
// since the gateway refused it before the registry acted on it.
//
// Package hfrtest serves a fake gateway, HFR and HPR for tests and demos.
package hfr
