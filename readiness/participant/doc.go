// Package participant is the participant's side of the HCX readiness
// checks (package readiness): an http.Handler that answers the
// operator's challenge, so that nobody has to write it.
//
// Mount it at Path under the registered endpoint_url, with the private
// keys of the registered certificates and the operator's published keys:
//
//	keys, err := participant.KeysFromPEM(encryptionKeyPEM, signingKeyPEM)
//	operatorKeys, err := participant.RemoteKeys("https://hcx.example/.well-known/jwks.json", client)
//	h, err := participant.NewHandler(
//		participant.WithParticipant("hosp_rakshi_012345@hcx", keys),
//		participant.WithOperator("hcx-operator-id", operatorKeys),
//	)
//	mux.Handle("/api"+participant.Path, h) // endpoint_url https://hcx.hospital.example/api
//
// For each POSTed challenge the handler checks, in order: that it is a
// compact JWS of typ readiness.ChallengeType (compared as
// readiness.TypeIs does) with an accepted algorithm (EdDSA,
// ES256/384/512, RS256/384/512, PS256/384/512; never "none" or HMAC)
// and a kid; that its iss is an operator given by WithOperator and
// the signature verifies with that operator's key of that kid; that aud
// is a participant code given by WithParticipant; that iat and exp hold,
// within the leeway (WithLeeway); that the challenge lives no longer than
// readiness.MaxChallengeLifetime; and that its jti was not answered
// before (a ReplayCache; replicas of one endpoint share one). Only then
// does it answer, 200 with a readiness.Answer: the challenge's jti and
// nonce, the nonce decrypted from the challenge's JWE with the
// encryption key (RSA-OAEP-256 or RSA-OAEP, A256GCM), and a signature by
// the signing key. A refused challenge gets a readiness.ErrorBody whose
// code the operator turns into a hint; nothing about the claims is said
// before the signature holds.
//
// The handler decrypts only JWEs of this protocol (cty
// readiness.SealedType) and returns a nonce only from a plaintext that
// is the challenge's own readiness.SealedNonce, so even the operator
// cannot use it to decrypt an HCX message addressed to the participant.
//
// The operator's keys come from a KeySource: RemoteKeys fetches the
// operator's JWKS (again on an unknown kid, at most every
// RemoteMinInterval), StaticKeys holds a set given out of band, FileKeys
// reads a file — how a participant trusts the throw-away key of the
// examples/readiness self-test.
package participant
