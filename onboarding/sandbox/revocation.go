package sandbox

import "context"

// RevocationChecker reports whether the certificate with the given jti,
// issued by the given sandbox operator, has been revoked. An error means
// the status is unknown; Verify then fails with ErrRevocationUnavailable,
// never with ErrRevoked.
type RevocationChecker interface {
	Revoked(ctx context.Context, issuer, jti string) (bool, error)
}

// RevocationFunc adapts a function to RevocationChecker.
type RevocationFunc func(ctx context.Context, issuer, jti string) (bool, error)

// Revoked calls f.
func (f RevocationFunc) Revoked(ctx context.Context, issuer, jti string) (bool, error) {
	return f(ctx, issuer, jti)
}

var _ RevocationChecker = RevocationFunc(nil)
