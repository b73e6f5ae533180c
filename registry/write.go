package registry

import (
	"fmt"
	"sort"
)

// validate checks what every store requires of a write before touching
// storage.
func (w Write) validate() error {
	a := w.Application
	switch {
	case a == nil:
		return fmt.Errorf("registry: write without an application")
	case a.ID == "":
		return fmt.Errorf("registry: application without an id")
	case a.Stage == "":
		return fmt.Errorf("registry: application %q without a stage", a.ID)
	}
	if p := w.Participant; p != nil {
		if p.ParticipantCode == "" {
			return fmt.Errorf("registry: participant without a code (application %q)", a.ID)
		}
		if a.ParticipantCode != p.ParticipantCode {
			return fmt.Errorf("registry: participant %q does not belong to application %q", p.ParticipantCode, a.ID)
		}
	}
	if err := validateClaims(a.ID, a.Claims); err != nil {
		return err
	}
	for _, e := range w.Events {
		if e.ApplicationID != a.ID {
			return fmt.Errorf("registry: audit event for application %q written with application %q", e.ApplicationID, a.ID)
		}
	}
	return validateOutbox(a.ID, w.Outbox)
}

// Validate checks a write as every store does before it touches storage;
// stores outside this package call it first.
func (w Write) Validate() error { return w.validate() }

// Normalize checks f and applies the paging defaults.
func (f ApplicationFilter) Normalize() (ApplicationFilter, error) {
	if err := checkPaging(f.Offset, f.Cursor); err != nil {
		return f, err
	}
	switch {
	case f.Limit < 0 || f.Limit > MaxLimit:
		return f, fmt.Errorf("%w: limit %d is outside 0..%d", ErrInvalidQuery, f.Limit, MaxLimit)
	case f.Limit == 0:
		f.Limit = DefaultLimit
	}
	return f, nil
}

// Match reports whether a passes the filter.
func (f ApplicationFilter) Match(a *Application) bool {
	return (f.Stage == "" || a.Stage == f.Stage) &&
		(f.Waiting == "" || a.IsWaiting(f.Waiting)) &&
		(f.ParticipantCode == "" || a.ParticipantCode == f.ParticipantCode)
}

// SortApplications orders applications as every store lists them: by
// creation time, then id.
func SortApplications(as []Application) {
	sort.Slice(as, func(i, j int) bool {
		if !as[i].CreatedAt.Equal(as[j].CreatedAt) {
			return as[i].CreatedAt.Before(as[j].CreatedAt)
		}
		return as[i].ID < as[j].ID
	})
}
