// Package readinesstest runs a participant's readiness endpoint in
// process, for tests of code that uses package readiness: the onboarding
// engine's, an operator's, this module's own.
//
// NewParticipant starts an httptest TLS server that serves
// participant.Handler at /hcx + readiness.Path under a DNS name
// (Host by default), with a TLS certificate from a test CA, registered
// certificates and the private keys that match them. Its Client resolves
// that name to the server, trusts the test CA and is a safefetch client,
// as the operator's is. Operator is a test operator whose Checker signs
// with a fixed Ed25519 key.
//
// Options make a participant go wrong the ways real ones do: another
// private key than the registered certificate's (WithHandlerKeys), an
// expired or mismatched TLS certificate (WithServerCertificate), a proxy
// in front (WithMiddleware).
//
// RSA keys are generated once per process and shared (RSAKey), since
// making them is slow.
package readinesstest
