package rohini

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// IDLength is the number of digits in a ROHINI id (a GS1 GLN).
	IDLength = 13
	// Prefix is the GS1 India country prefix every ROHINI id starts with.
	Prefix = "890"
)

// Validate reports whether id is a well-formed ROHINI id: exactly 13 ASCII
// digits, starting with the GS1 India prefix 890, whose last digit is the
// GS1 mod-10 check digit of the first twelve (see [CheckDigit]).
//
// Validate does not clean its input: a space or a hyphen is an error, so a
// value that would be stored or compared is never accepted in a form that
// differs from its canonical one. Callers holding user input normalise it
// first with [Normalize]:
//
//	id := rohini.Normalize(input)
//	if err := rohini.Validate(id); err != nil { … }
//
// The returned error wraps [ErrInvalidID] and is an [*IDError] that says what
// is wrong, e.g. `rohini: invalid id "8900080123456": check digit is 6, want 8`.
// Validate says nothing about whether the hospital exists; that is a [Lookup]'s job.
func Validate(id string) error {
	if id == "" {
		return newIDError(id, "empty")
	}
	for i := 0; i < len(id); {
		r, size := utf8.DecodeRuneInString(id[i:])
		if r < '0' || r > '9' {
			return newIDError(id, badChar(r, size, i))
		}
		i += size
	}
	if len(id) != IDLength {
		digits := "digits"
		if len(id) == 1 {
			digits = "digit"
		}
		return newIDError(id, fmt.Sprintf("has %d %s, want %d", len(id), digits, IDLength))
	}
	if !strings.HasPrefix(id, Prefix) {
		return newIDError(id, fmt.Sprintf("starts with %s, want the GS1 India prefix %s", id[:len(Prefix)], Prefix))
	}
	want, _ := CheckDigit(id[:IDLength-1]) // cannot fail: twelve ASCII digits
	if got := id[IDLength-1]; got != want {
		return newIDError(id, fmt.Sprintf("check digit is %c, want %c", got, want))
	}
	return nil
}

// badChar describes a character that is not an ASCII digit, at byte offset
// off (reported 1-based, as a person counts).
func badChar(r rune, size, off int) string {
	pos := off + 1
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("invalid UTF-8 at position %d", pos)
	case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r):
		return fmt.Sprintf("contains %q at position %d; only digits are allowed (clean input with Normalize first)", r, pos)
	default:
		return fmt.Sprintf("contains %q at position %d; only digits are allowed", r, pos)
	}
}

// Normalize removes the separators people type into ids — white space
// (including non-breaking spaces) and hyphens or other dashes — and returns
// the rest unchanged. Input that is not valid UTF-8 is returned as given,
// for Validate to reject. Normalize does not validate: pass the result to
// [Validate].
//
//	rohini.Normalize(" 890-0080-336704 ") == "8900080336704"
func Normalize(id string) string {
	if !utf8.ValidString(id) {
		// Removing a separator could join stray bytes into a character.
		return id
	}
	clean := true
	for _, r := range id {
		if isSeparator(r) {
			clean = false
			break
		}
	}
	if clean {
		return id
	}
	return strings.Map(func(r rune) rune {
		if isSeparator(r) {
			return -1
		}
		return r
	}, id)
}

func isSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '-' || ('\t' <= r && r <= '\r')
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212' // minus sign, typed for a hyphen
}

// CheckDigit computes the GS1 mod-10 check digit (as used by GTIN-13 and GLN)
// of twelve ASCII digits, and returns it as the ASCII digit '0'…'9', ready to
// append: weights 1, 3, 1, 3, … from the left, check = (10 − sum mod 10) mod 10.
// The error wraps [ErrInvalidID] when first12 is not exactly twelve digits.
//
// CheckDigit does not require the 890 prefix, so it serves any GLN.
func CheckDigit(first12 string) (byte, error) {
	if len(first12) != IDLength-1 {
		return 0, newIDError(first12, fmt.Sprintf("check digit needs %d digits, got %d bytes", IDLength-1, len(first12)))
	}
	sum := 0
	for i := 0; i < len(first12); i++ {
		c := first12[i]
		if c < '0' || c > '9' {
			r, size := utf8.DecodeRuneInString(first12[i:])
			return 0, newIDError(first12, badChar(r, size, i))
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), nil
}
