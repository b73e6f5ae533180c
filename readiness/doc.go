// Package readiness proves, rather than takes on trust, that a
// participant is ready to go live on an HCX: that the HCX's calls reach
// its registered endpoint_url, over sound TLS, into software the
// participant controls, and that the participant holds the private keys
// of the certificates it registered — so counterparties' encrypted
// messages can be read and its signatures verified. These are the
// commonest production failures after onboarding: an endpoint that is
// unreachable or refuses the HCX's calls, and an encryption certificate
// that does not match the key in use.
//
// # The operator's side
//
// A Checker, built by New with the operator's signing key, its issuer id
// and its HTTP client (the SSRF-safe one of package safefetch), checks a
// Target — participant code, endpoint_url, encryption_cert,
// signing_cert_path as registered — and returns a Report:
//
//	c, err := readiness.New(
//		readiness.WithSigner(key, kid),
//		readiness.WithIssuer("hcx-operator-id"),
//		readiness.WithHTTPClient(fetcher.Client()),
//	)
//	report := c.Check(ctx, readiness.Target{ParticipantCode: code, EndpointURL: url, EncryptionCert: pem, SigningCert: sigPEM})
//
// The Report lists one Result per Check, in order: endpoint_url, dns,
// connect, tls, http, challenge, encryption_key, signing_key. Each has an
// Outcome (passed, failed, skipped), a Problem with a stable name when it
// failed (dns, connection_refused, tls_certificate_expired, http_status,
// operator_not_trusted, replay, wrong_key …), a Message, a Hint the
// participant's engineer can act on, its duration and details (HTTP
// status, TLS version, certificate expiry). Report.Ready is true when no
// check failed. The Report is JSON, for the onboarding engine to keep on
// the application.
//
// The endpoint_url must be an absolute https URL without user
// information, query or fragment, whose host is a DNS name or an IP
// address written canonically (203.0.113.7, [2001:db8::1]). A host that
// other software reads as an address while this package would not, or as
// another one — 2130706433, 127.1, 0x7f.1, full-width digits, trailing
// dots, [::ffff:203.0.113.7], an IPv6 zone — fails endpoint_url
// (invalid_target) before anything is sent. An address is checked as a
// name is: the TLS certificate must name it, and the operator's default
// client (a safefetch client) reaches public addresses only, so a test
// whose participant listens on httptest's 127.0.0.1 URL gives the Checker
// that server's client (WithHTTPClient). The onboarding engine registers
// DNS host names only (its step 3), so a participant checking itself
// before applying should use the name it will register.
//
// Attempts that fail for a reason that may pass (a timeout, a refused or
// dropped connection, name servers that fail, HTTP 429, 502, 503, 504)
// are retried (WithRetries), each with a new challenge; each attempt is
// bounded (WithTimeout). TLS must be 1.2 or newer with a certificate the
// client trusts, valid now and for the host. The challenge never follows
// a redirect.
//
// A certificate outside its validity period fails as
// tls_certificate_expired (certificate_expired for a registered
// encryption or signing certificate) whichever side of the period it is
// on, but the two are told apart: an expired certificate is to be
// renewed; one that is not valid yet — issued with a clock ahead, or
// installed early — gets a message and hint that name the moment it
// becomes valid (UTC, to the second) and send the engineer to the server's
// clock and the issuing CA, or to wait, never to renew it.
// When the server's own certificate is within its dates but an
// intermediate certificate it sends, or the root its chain leads to, is
// not, the message names that certificate authority and its dates, and
// the hint asks for the issuing CA's current chain rather than a new
// certificate for the host.
//
// # The wire protocol
//
// The operator POSTs to endpoint_url + Path (/hcx-onboarding/readiness),
// as application/json, a Request: {"challenge": "<compact JWS>"}. The JWS
// has header typ ChallengeType ("hcx-readiness+jwt") and the kid of the
// operator's key, published in the operator's JWKS (Checker.JWKS), and
// carries ChallengeClaims: iss (the operator), aud (the participant
// code), iat, exp (a minute later by default, never more than
// MaxChallengeLifetime), jti, nonce, and encrypted_nonce — a compact JWE
// encrypted to the registered encryption certificate as HCX messages are
// (RSA-OAEP-256 with A256GCM; RSA-OAEP with WithKeyEncryption), with cty
// SealedType and a SealedNonce plaintext {"purpose": "hcx-readiness",
// "jti", "nonce"} holding a second nonce.
//
// The participant's handler (package readiness/participant) verifies the
// JWS against the operator's JWKS, checks aud, iat and exp, refuses a jti
// it has seen, and answers 200 (the checker takes the Answer under any
// success status, such as the 202 HCX endpoints answer) with an Answer: {"jti", "nonce",
// "decrypted_nonce" (or "decrypt_error"), "signature"}, the signature a
// compact JWS (typ AnswerType) over AnswerClaims {iss: the participant
// code, aud: the operator, iat, jti, nonce} made with the key of the
// signing certificate. A refusal is an ErrorBody {"error": code,
// "message"} with the status its ErrorCode names. A participant that
// writes its own answer signs it with any JWT library: the Checker reads
// typ without regard to case and with or without "application/", aud as
// a string or an array holding the operator, iat (not checked) as any
// number, and ignores headers and claims it does not use (kid, x5t, exp).
//
// The answer proves three things: the nonce, that the URL reaches
// software that verified the operator's challenge; the decrypted nonce,
// that it holds the private key of encryption_cert; the signature, that
// it holds the key of the signing certificate. Nonces are random, made
// for one attempt and forgotten after it, and the answer must name the
// attempt's jti: an answer replayed from an earlier challenge fails as a
// replay, and the handler refuses a challenge delivered twice.
//
// The handler decrypts nothing but this protocol's own JWEs, and returns
// a nonce only from a plaintext that is this challenge's SealedNonce, so
// it is no decryption oracle for an HCX message; it signs only claims it
// builds itself, under its own typ.
//
// # Running it
//
// The onboarding engine runs a Check after step 3 (endpoint and
// certificates given) and before go-live, and again whenever the
// endpoint or a certificate changes. A participant runs the same checks
// on its own, before it applies, with the command examples/readiness.
// Package readinesstest runs a participant's endpoint in process, for
// tests.
package readiness
