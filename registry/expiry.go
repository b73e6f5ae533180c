package registry

import (
	"context"
	"time"

	"github.com/openhcx/hcxonboard"
)

// CertificateExpiries is a Participants store that finds the participants
// whose certificates expire by a given time from an index, without
// reading every participant: an optional capability, found by type
// assertion (the engine's certificate-expiry warnings use it when the
// store has it).
type CertificateExpiries interface {
	// CertificatesExpiring returns a page of the participants, Inactive
	// ones aside, whose encryption or signing certificate expires at or
	// before by (in epoch milliseconds, at or before by.UnixMilli(); an
	// expiry of 0 or less is no certificate), ordered by participant
	// code. Pass the page's Next as cursor for the next page; Next is
	// empty after the last. A limit of 0 means DefaultLimit; a negative
	// limit, one over MaxLimit or a cursor this package did not make is
	// ErrInvalidQuery.
	CertificatesExpiring(ctx context.Context, by time.Time, limit int, cursor string) (Page[hcxonboard.Participant], error)
}

// ExpiresBy reports whether p is not Inactive and holds a certificate
// expiring at or before by (epoch milliseconds): the condition of
// CertificateExpiries.
func ExpiresBy(p *hcxonboard.Participant, by time.Time) bool {
	if p.Status == hcxonboard.StatusInactive {
		return false
	}
	ms := by.UnixMilli()
	for _, e := range []int64{p.EncryptionCertExpiry, p.SigningCertExpiry} {
		if e > 0 && e <= ms {
			return true
		}
	}
	return false
}
