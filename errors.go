package hcxonboard

import "errors"

// Sentinel errors shared by every package; match them with errors.Is.
var (
	// ErrUnknownRole reports a role that is neither canonical nor a known alias.
	ErrUnknownRole = errors.New("hcxonboard: unknown role")
	// ErrInvalidApplication reports an application document that cannot be decoded.
	ErrInvalidApplication = errors.New("hcxonboard: invalid application")
	// ErrTooLarge reports input over a size limit.
	ErrTooLarge = errors.New("hcxonboard: input too large")
)
