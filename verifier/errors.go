package verifier

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sentinel errors returned (wrapped in a [*RuleError]) by the validators;
// branch on them with errors.Is.
var (
	ErrInvalidGSTIN  = errors.New("verifier: invalid GSTIN")
	ErrInvalidHFRID  = errors.New("verifier: invalid HFR facility id")
	ErrInvalidHPRID  = errors.New("verifier: invalid HPR id")
	ErrInvalidIRDA   = errors.New("verifier: invalid IRDA registration number")
	ErrInvalidMobile = errors.New("verifier: invalid mobile number")
	ErrInvalidEmail  = errors.New("verifier: invalid e-mail address")
)

// RuleError says why a value breaks a format rule. Value is the offending
// input as it may be shown to a person: truncated, and masked when it is
// personal data (mobile numbers, e-mail addresses, HPR IDs).
type RuleError struct {
	Field   string // what was checked, as a person calls it: "GSTIN", "mobile number"
	Value   string // the input, truncated and masked where personal
	Problem string // what is wrong, e.g. "check character is X, expected V"
	Err     error  // the sentinel, such as ErrInvalidGSTIN
}

// Error reads "GSTIN 27AAPFU0939F1ZX: check character is X, expected V".
func (e *RuleError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Problem
	}
	return e.Field + " " + e.Value + ": " + e.Problem
}

// Unwrap returns the sentinel, so errors.Is(err, ErrInvalidGSTIN) works.
func (e *RuleError) Unwrap() error { return e.Err }

// maxShown caps how much of an input an error or message repeats.
const maxShown = 40

// shown returns s in a form fit for a message: truncated to maxShown bytes
// on a rune boundary, with invalid UTF-8 and control characters replaced so
// that a message never carries terminal escapes or broken text, and a
// text-direction override written out as its code point ("[U+202E]").
func shown(s string) string { return shownN(s, maxShown) }

// maxShownName caps names repeated in messages; they run longer than ids.
const maxShownName = 120

func shownName(s string) string { return shownN(s, maxShownName) }

func shownN(s string, max int) string {
	clean := len(s) <= max
	if clean {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
				clean = false
				break
			}
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, min(len(s), max)+4)
	for i, r := range s {
		if i >= max {
			b = append(b, "…"...)
			break
		}
		switch {
		case r == utf8.RuneError:
			b = append(b, '?')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b = append(b, ' ')
		case directionOverride(r):
			// Shown, not obeyed: it would make the rest of the message
			// read in another order (two names that differ look alike).
			b = fmt.Appendf(b, "[U+%04X]", r)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

func ruleErr(sentinel error, field, value, problem string) *RuleError {
	return &RuleError{Field: field, Value: value, Problem: problem, Err: sentinel}
}
