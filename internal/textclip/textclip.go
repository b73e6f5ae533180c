// Package textclip keeps text that comes from outside (a challenge's
// claims, an endpoint's refusal message, a certificate's names, an
// application file's fields) fit to repeat in a report, a log, a console
// or a terminal.
package textclip

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clip returns s on one line and at most max bytes, then "…": control
// characters (C0, DEL, C1: U+009B is a terminal's CSI) and the
// bidirectional controls that make a console or a terminal show text in
// another order than it is stored become spaces; invalid UTF-8 becomes
// U+FFFD; the cut falls on a character boundary. The zero-width joiners
// Indic scripts need are kept.
func Clip(s string, max int) string {
	s = Spaced(s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Spaced returns s with every character Unsafe reports as a space, and
// invalid UTF-8 as U+FFFD: fit for a line of a terminal or a page, at any
// length.
func Spaced(s string) string {
	return strings.Map(func(r rune) rune {
		if Unsafe(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// Unsafe reports whether r is a control character (C0, DEL, C1) or one of
// Unicode's explicit directional formatting characters or marks, which
// make a console or a terminal show text in another order than it is
// stored. The zero-width joiners Indic scripts need are neither.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
