package registry

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// DueLister is a store that lists the applications whose scheduled work
// has fallen due, from an index on Application.DueAt: the engine's
// scheduler reads only those, never every application. An optional
// capability, found by type assertion; every store of this module
// implements it.
type DueLister interface {
	// DueApplications returns a page of the applications whose DueAt is
	// set and at or before by, ordered by DueAt then ID; pass the page's
	// Next as cursor for the next page (a cursor is not valid for another
	// by). limit 0 is DefaultLimit, at most MaxLimit.
	DueApplications(ctx context.Context, by time.Time, limit int, cursor string) (Page[Application], error)
	// SetDue sets the DueAt of the application at the given version and
	// changes nothing else, the version included: for an application
	// that fell due with nothing to do (a policy changed since), so that
	// it is not read at every pass. Another version is
	// ErrVersionConflict, an unknown application ErrNotFound; the zero
	// time clears DueAt.
	SetDue(ctx context.Context, id string, version int64, due time.Time) error
}

// Leaser is a store that grants named, expiring leases, so that of
// several replicas sharing the store one at a time runs a recurring job.
// An optional capability, found by type assertion; every store of this
// module implements it. A lease only saves work: the jobs it guards are
// idempotent through the store's versioned writes, so two holders after
// a clock jump still change each application once.
type Leaser interface {
	// AcquireLease gives the lease called name to owner until now+ttl
	// when it is free, has expired (its until is at or before now), or
	// is owner's already (a renewal), and reports whether owner holds it.
	// Another owner's unexpired lease is (false, nil).
	AcquireLease(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseLease frees the lease if owner holds it; otherwise it does
	// nothing.
	ReleaseLease(ctx context.Context, name, owner string) error
}

// CheckLease checks the arguments of AcquireLease: a name and owner of
// at most MaxOutboxText bytes of valid UTF-8 without NUL, and a ttl of
// MinOutboxLease to MaxOutboxLease.
func CheckLease(name, owner string, ttl time.Duration) error {
	for _, f := range []struct{ what, s string }{{"lease name", name}, {"lease owner", owner}} {
		switch {
		case f.s == "":
			return fmt.Errorf("%w: empty %s", ErrInvalidQuery, f.what)
		case len(f.s) > MaxOutboxText || !utf8.ValidString(f.s):
			return fmt.Errorf("%w: %s is not at most %d bytes of UTF-8", ErrInvalidQuery, f.what, MaxOutboxText)
		}
		for i := 0; i < len(f.s); i++ {
			if f.s[i] == 0 {
				return fmt.Errorf("%w: %s contains NUL", ErrInvalidQuery, f.what)
			}
		}
	}
	if ttl < MinOutboxLease || ttl > MaxOutboxLease {
		return fmt.Errorf("%w: lease of %v is outside %v..%v", ErrInvalidQuery, ttl, MinOutboxLease, MaxOutboxLease)
	}
	return nil
}

// CheckPage checks the limit and cursor of DueApplications, which takes
// them as arguments, and returns the limit to use (DefaultLimit for 0) and
// the position after which the page starts (nil for the first page). A
// limit outside 0..MaxLimit, or a cursor neither EncodeDueCursor nor
// EncodeCursor made, is ErrInvalidQuery.
func CheckPage(limit int, cursor string) (int, *Position, error) {
	limit, err := CheckLimit(limit)
	if err != nil || cursor == "" {
		return limit, nil, err
	}
	after, err := DecodeDueCursor(cursor)
	if err != nil {
		return 0, nil, err
	}
	return limit, &after, nil
}

// CheckLimit checks the limit of a paged read that takes it as an
// argument (DueApplications, CertificatesExpiring …) and returns the one
// to use: DefaultLimit for 0; a limit outside 0..MaxLimit is
// ErrInvalidQuery.
func CheckLimit(limit int) (int, error) {
	switch {
	case limit < 0 || limit > MaxLimit:
		return 0, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, limit, MaxLimit)
	case limit == 0:
		return DefaultLimit, nil
	}
	return limit, nil
}
