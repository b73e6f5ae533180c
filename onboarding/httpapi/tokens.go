package httpapi

import (
	"errors"
	"fmt"
	"net/http"
)

// The token routes, as a TokenObserver names them.
const (
	// TokenRouteV1 is POST /v1/onboarding/token.
	TokenRouteV1 = "v1"
	// TokenRouteSpec is the specification's POST
	// {base}/participant/auth/token/generate.
	TokenRouteSpec = "spec"
	// TokenRouteKeycloak is the Keycloak-compatible POST
	// /auth/realms/{realm}/protocol/openid-connect/token.
	TokenRouteKeycloak = "keycloak"
)

// The outcomes of a request for an access token, as a TokenObserver
// names them.
const (
	// TokenIssued: the participant got its access token.
	TokenIssued = "issued"
	// TokenRefused: the credentials were refused (the 401 every wrong,
	// unknown, revoked or expired secret, and every participant not
	// Active, gets alike).
	TokenRefused = "refused"
	// TokenFailed: no decision on the credentials — a malformed request,
	// an unknown realm, or a fault on the server.
	TokenFailed = "failed"
)

// TokenObserver is told the outcome of every request for an access token
// that reaches a token route: the route (TokenRouteV1, TokenRouteSpec,
// TokenRouteKeycloak) and the outcome (TokenIssued, TokenRefused,
// TokenFailed). It is called on the request's goroutine once the outcome
// is known, and must be quick and safe for
// concurrent use: a counter (package onboarding/metrics has one), not a
// network call. It never sees the participant code or the secret.
type TokenObserver func(route, outcome string)

// WithTokenObserver sets the TokenObserver (default: none).
func WithTokenObserver(f TokenObserver) Option {
	return func(h *Handler) error {
		if f == nil {
			return fmt.Errorf("%w: WithTokenObserver(nil)", ErrInvalidOption)
		}
		h.tokenObserver = f
		return nil
	}
}

// observeToken tells the TokenObserver what became of a token request
// whose handler returned err.
func (h *Handler) observeToken(route string, err error) {
	if h.tokenObserver == nil {
		return
	}
	outcome := TokenIssued
	if err != nil {
		outcome = TokenFailed
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusUnauthorized {
			outcome = TokenRefused
		}
	}
	h.tokenObserver(route, outcome)
}
