package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
	// expiry of 0 or less is no certificate), ordered by SoonestExpiry,
	// then by participant code, so that a store reads a page from an
	// index of that order alone. Pass the page's Next (EncodeExpiryCursor
	// of the last participant) as cursor for the next page; Next is empty
	// after the last. A limit of 0 means DefaultLimit; a negative
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

// SoonestExpiry is the earlier of p's two certificate expiries, in epoch
// milliseconds; 0 when it has neither (an expiry of 0 or less is no
// certificate). CertificateExpiries pages in its order.
func SoonestExpiry(p *hcxonboard.Participant) int64 {
	var soonest int64
	for _, e := range []int64{p.EncryptionCertExpiry, p.SigningCertExpiry} {
		if e > 0 && (soonest == 0 || e < soonest) {
			soonest = e
		}
	}
	return soonest
}

// EncodeExpiryCursor is the cursor of the CertificateExpiries page after a
// participant whose SoonestExpiry is soonest.
func EncodeExpiryCursor(soonest int64, code string) string {
	return encodeCursor(expiryCursorVersion, Position{Key: strconv.FormatInt(soonest, 10) + "|" + code})
}

// DecodeExpiryCursor returns the soonest expiry and the participant code
// an EncodeExpiryCursor cursor names (one made before expiry cursors had a
// prefix of their own too); any other cursor wraps ErrInvalidQuery.
func DecodeExpiryCursor(c string) (soonest int64, code string, err error) {
	pos, err := decodeCursor(c, expiryCursorVersion, cursorVersion)
	if err != nil {
		return 0, "", err
	}
	at, code, ok := strings.Cut(pos.Key, "|")
	if ok && pos.CreatedAt.IsZero() {
		if soonest, err = strconv.ParseInt(at, 10, 64); err == nil && soonest > 0 {
			return soonest, code, nil
		}
	}
	return 0, "", fmt.Errorf("%w: %w", ErrInvalidQuery, errCursor)
}
