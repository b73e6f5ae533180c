package registry

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
)

// ClaimReader finds the application holding an identity. It is an
// optional capability of a Store, found by type assertion:
//
//	if cr, ok := store.(registry.ClaimReader); ok {
//		holder, err := cr.ApplicationByClaim(ctx, "hfr:IN2910000123")
//		…
//	}
//
// Every store of this module implements it.
type ClaimReader interface {
	// ApplicationByClaim returns the application holding claim, with
	// ErrNotFound when no application holds it.
	ApplicationByClaim(ctx context.Context, claim string) (*Application, error)
}

// ShownClaim is claim as an error or a log may show it. A professional's
// HPR ID (a claim "hpr:…") is a person's, and is masked as contacts are:
// "hpr:**-****-****-9012", "hpr:a*********@hpr.abdm". Claims of
// organisations (an HFR facility, a ROHINI hospital, an IRDA
// registration) and of evidence show as they are.
func ShownClaim(claim string) string {
	if id, ok := strings.CutPrefix(claim, "hpr:"); ok {
		return "hpr:" + hcxonboard.MaskHPRID(id)
	}
	return claim
}

// validateClaims checks the identities an application claims: at most
// MaxClaims, each non-empty, at most MaxClaimLength bytes of valid UTF-8
// without NUL, and none twice. Stores compare claims byte for byte, so
// these rules keep every database able to hold and compare them exactly
// (PostgreSQL's text refuses NUL and invalid UTF-8).
func validateClaims(appID string, claims []string) error {
	if len(claims) > MaxClaims {
		return fmt.Errorf("registry: application %q claims %d identities, at most %d are allowed", appID, len(claims), MaxClaims)
	}
	for i, c := range claims {
		switch {
		case c == "":
			return fmt.Errorf("registry: application %q: claim %d is empty", appID, i)
		case len(c) > MaxClaimLength:
			return fmt.Errorf("registry: application %q: claim %d is %d bytes long, at most %d are allowed", appID, i, len(c), MaxClaimLength)
		case !utf8.ValidString(c):
			return fmt.Errorf("registry: application %q: claim %d is not valid UTF-8", appID, i)
		case strings.IndexByte(c, 0) >= 0:
			return fmt.Errorf("registry: application %q: claim %d contains a NUL byte", appID, i)
		}
		for _, earlier := range claims[:i] {
			if earlier == c {
				return fmt.Errorf("registry: application %q claims %q twice", appID, ShownClaim(c))
			}
		}
	}
	return nil
}
