// Package textclip keeps text that comes from outside (a challenge's
// claims, an endpoint's refusal message, a certificate's names) fit to
// repeat in a report, a log, a console or a terminal.
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
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || bidiControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// bidiControl reports whether r is one of Unicode's explicit directional
// formatting characters or marks.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
