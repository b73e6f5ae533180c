package verifier

import (
	"fmt"
	"strings"

	"github.com/openhcx/hcxonboard/internal/words"
)

// gstinAlphabet maps code points to characters for the mod-36 check
// character: 0–9 are themselves, A is 10 … Z is 35.
const gstinAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// GSTINLength is the length of a GSTIN.
const GSTINLength = 15

// ValidateGSTIN checks that s is a well-formed GSTIN of a regular taxpayer.
// Lower case and surrounding or embedded spaces and hyphens are accepted
// (see [NormalizeGSTIN]); the rules, in the order they are checked, are:
//
//   - 15 letters or digits;
//   - a state code 01–38, 97 (other territory) or 99 (centre jurisdiction);
//   - characters 3–12 are a PAN: five letters, four digits, one letter (the
//     PAN's holder-type letter is not checked: the Income Tax Department
//     adds types, and synthetic test PANs use any letter);
//   - character 13, the registration count for that PAN in the state, is
//     1–9 or A–Z;
//   - character 14 is Z. Tax-deductor (D) and tax-collector (C)
//     registrations are rejected on purpose: they are usually built on a
//     TAN rather than a PAN and are not what a provider or platform bills
//     under, so the applicant is asked for its regular GSTIN instead;
//   - character 15 is the Luhn mod-36 check character of the first 14.
//
// The check character proves the number is well formed, not that the
// registration is active. Errors are [*RuleError]s wrapping
// [ErrInvalidGSTIN] that say which rule failed.
func ValidateGSTIN(s string) error {
	_, err := NormalizeGSTIN(s)
	return err
}

// NormalizeGSTIN returns s upper-cased and without spaces or hyphens, once it
// passes [ValidateGSTIN]'s rules.
func NormalizeGSTIN(s string) (string, error) {
	g, err := cleanAlnum(s, "GSTIN", ErrInvalidGSTIN)
	if err != nil {
		return "", err
	}
	if len(g) != GSTINLength {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", shown(g),
			fmt.Sprintf("has %s, a GSTIN has %d", words.Count(len(g), "character"), GSTINLength))
	}
	if !isDigit(g[0]) || !isDigit(g[1]) || !validGSTStateCode(int(g[0]-'0')*10+int(g[1]-'0')) {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", g,
			fmt.Sprintf("starts with %s, which is not a GST state code (01–38, 97 or 99)", g[:2]))
	}
	if !isPAN(g[2:12]) {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", g,
			fmt.Sprintf("characters 3–12 (%s) are not a PAN: five letters, four digits, one letter", g[2:12]))
	}
	if g[12] == '0' {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", g,
			"character 13 is 0; the registration count runs 1–9 then A–Z")
	}
	if g[13] != 'Z' {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", g,
			fmt.Sprintf("character 14 is %c, expected Z (a regular taxpayer's GSTIN; give that one, not a TDS/TCS registration)", g[13]))
	}
	want, _ := gstinCheck(g[:14]) // cannot fail: 14 upper-case letters and digits
	if g[14] != want {
		return "", ruleErr(ErrInvalidGSTIN, "GSTIN", g,
			fmt.Sprintf("check character is %c, expected %c", g[14], want))
	}
	return g, nil
}

// GSTINCheckChar returns the Luhn mod-36 check character (the 15th) for the
// first 14 characters of a GSTIN; lower case is accepted. It checks only the
// character set and length, not the other GSTIN rules.
func GSTINCheckChar(first14 string) (byte, error) {
	if len(first14) != GSTINLength-1 {
		return 0, ruleErr(ErrInvalidGSTIN, "GSTIN prefix", shown(first14),
			fmt.Sprintf("has %s, the check character needs %d letters or digits", words.Count(len(first14), "byte"), GSTINLength-1))
	}
	c, pos := gstinCheck(first14)
	if pos >= 0 {
		return 0, ruleErr(ErrInvalidGSTIN, "GSTIN prefix", shown(first14),
			fmt.Sprintf("character %d is %q; only letters and digits are allowed", pos+1, first14[pos]))
	}
	return c, nil
}

// gstinCheck computes the check character over s (14 characters). Walking
// left to right, odd positions weigh 1 and even ones 2; each product adds
// its base-36 digit sum; the check code is (36 − sum mod 36) mod 36. It
// returns the position of the first character outside [0-9A-Za-z], or -1.
func gstinCheck(s string) (byte, int) {
	sum := 0
	for i := 0; i < len(s); i++ {
		v := alnumValue(s[i])
		if v < 0 {
			return 0, i
		}
		p := v * (1 + i%2)
		sum += p/36 + p%36
	}
	return gstinAlphabet[(36-sum%36)%36], -1
}

func alnumValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	}
	return -1
}

func validGSTStateCode(n int) bool {
	return (n >= 1 && n <= 38) || n == 97 || n == 99
}

func isPAN(p string) bool {
	if len(p) != 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		c := p[i]
		switch {
		case i < 5 || i == 9:
			if c < 'A' || c > 'Z' {
				return false
			}
		default:
			if !isDigit(c) {
				return false
			}
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// cleanAlnum upper-cases s and drops spaces and hyphens (of any width or
// kind: see wideSeparator). It returns s itself when s is already clean,
// so the common case does not allocate. Any other character is an error
// naming it and its position.
func cleanAlnum(s, field string, sentinel error) (string, error) {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c) || (c >= 'A' && c <= 'Z'):
		case (c >= 'a' && c <= 'z') || c == ' ' || c == '-' || c == '\t':
			clean = false
		case wideSeparator(s[i:]) > 0:
			clean = false
			i += wideSeparator(s[i:]) - 1
		default:
			return "", ruleErr(sentinel, field, shown(s),
				fmt.Sprintf("contains %s at position %d; only letters and digits are allowed", quoteRuneAt(s, i), i+1))
		}
	}
	if clean {
		if s == "" {
			return "", ruleErr(sentinel, field, "", "is empty")
		}
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
		case wideSeparator(s[i:]) > 0:
			i += wideSeparator(s[i:]) - 1
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "", ruleErr(sentinel, field, "", "is empty")
	}
	return b.String(), nil
}

// quoteRuneAt quotes the character starting at byte i of s for a message.
func quoteRuneAt(s string, i int) string {
	for _, r := range s[i:] {
		return fmt.Sprintf("%q", r)
	}
	return `""`
}
