package rohini

import (
	"errors"
	"fmt"

	"github.com/openhcx/hcxonboard"
)

// Sentinel errors; match them with errors.Is. Every error a [Lookup] in this
// package returns wraps exactly one of the first four.
var (
	// ErrInvalidID reports a malformed ROHINI id: wrong length, a character
	// that is not a digit, a prefix other than 890, or a wrong check digit.
	// No look-up is attempted for such an id.
	ErrInvalidID = errors.New("rohini: invalid id")
	// ErrNotFound reports a well-formed id the look-up does not know, or a
	// look-up answer that is about a different id.
	ErrNotFound = errors.New("rohini: hospital not found")
	// ErrUnavailable reports a look-up that gave no definite answer: a
	// timeout, a connection failure, an HTTP status other than success or
	// not-found (5xx, 429, but also 401 or 403 from a misconfigured key), or
	// an answer that cannot be read. It says nothing about the hospital; ask
	// again later.
	ErrUnavailable = errors.New("rohini: look-up unavailable")
	// ErrManualReview reports that no automated look-up exists and a ROHINI
	// administrator has to confirm the hospital by hand.
	ErrManualReview = errors.New("rohini: manual review by a ROHINI administrator needed")
	// ErrInvalidExtract reports a CSV or JSON extract that cannot be loaded
	// into a [Directory]: bad syntax, missing columns, a bad row, a
	// duplicate id.
	ErrInvalidExtract = errors.New("rohini: invalid extract")
)

// IDError gives the detail of a malformed id. It wraps [ErrInvalidID].
type IDError struct {
	// ID is the value that was checked, as given (shortened if very
	// long), with any mobile number or e-mail address typed into it by
	// mistake masked.
	ID string
	// Problem says what is wrong, e.g. "check digit is 6, want 8".
	Problem string
}

// maxQuotedID bounds how much of a caller's input is echoed into an error.
const maxQuotedID = 40

func newIDError(id, problem string) *IDError {
	// Only a bounded start is examined, wide enough that a number across
	// the cut is still seen whole.
	id = hcxonboard.RedactText(id[:min(len(id), 4*maxQuotedID)])
	if len(id) > maxQuotedID {
		id = id[:maxQuotedID] + "…"
	}
	return &IDError{ID: id, Problem: problem}
}

func (e *IDError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("%v: %s", ErrInvalidID, e.Problem)
	}
	return fmt.Sprintf("%v %q: %s", ErrInvalidID, e.ID, e.Problem)
}

// Unwrap makes errors.Is(err, ErrInvalidID) true.
func (e *IDError) Unwrap() error { return ErrInvalidID }
