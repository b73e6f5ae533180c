// Package hfrtest is an in-process fake of the ABDM gateway, HFR and HPR for
// tests and demos of code that uses package hfr.
//
// One httptest.Server serves the gateway sessions (v3 and v0.5) at its root
// and HFR and HPR under RegistryPath, checking what the real services check:
// client credentials on the session call, the REQUEST-ID, TIMESTAMP and
// X-CM-ID headers on the v3 session, and a live bearer token on every
// registry call. TIMESTAMP's drift from the fake's clock (WithClock) is
// checked only under WithClockSkew: a test may move its client's clock
// (hfr.WithClock) to expire a cached token. It answers in the registries' own shapes, errors included:
// 401 with code 900901 for a bad token, 422 HIS-1070 for an incomplete
// search, 422 HIS-3008 for an unknown HPR ID, 200 with errorStatus for a
// wrong OTP, and the API manager's 404 with code 900906 for a path it does
// not serve (a registry URL without RegistryPath, say). Contact mobiles and e-mails come masked, as HFR sends them.
//
//	srv := hfrtest.NewServer(hfrtest.WithSeed(true))
//	defer srv.Close()
//	c, err := srv.Client() // an *hfr.Client wired to the fake
//
// The OTP flow is complete: SendFacilityOTP makes the fake draw a 6-digit
// code from crypto/rand, which tests read with LastOTP; codes are single
// use, expire after OTPTTL and die after MaxOTPAttempts wrong tries. HPR's
// authentication of a professional works the same way: StartHPRAuth draws a
// code, which tests read with LastHPROTP, for the methods the professional's
// AuthMethods offer (all but password when none are set); ConfirmHPRAuth
// earns the professional's own token, which alone opens the account
// information the client reads.
//
// Fault injection: SetLatency, FailNext (status codes with Retry-After),
// SetMalformed (truncated JSON) and ExpireTokens. SessionRequests and
// Requests count what reached the fake.
//
// The Server needs no testing.T and is safe for concurrent use, so a demo
// program can run it in place of the real registries.
package hfrtest
