package hcxonboard

import "strings"

// MaxParticipantCodeLength bounds a participant code, in bytes.
const MaxParticipantCodeLength = 128

// IsParticipantCodeForm reports whether s has the form of a participant
// code, as addresses are told apart: letters, digits, '-', '.' and '_'
// (with a letter when there is no instance), optionally followed by '@'
// and an instance code of letters, digits and '-'. An instance holds no
// dot, so an e-mail address is never a code; "<id>@hfr" has the form, and
// addresses a facility's HFR manager where messages go. At most
// MaxParticipantCodeLength bytes.
func IsParticipantCodeForm(s string) bool {
	if len(s) > MaxParticipantCodeLength {
		return false
	}
	local, instance, hasAt := strings.Cut(s, "@")
	if !codeToken(local, true) {
		return false
	}
	if hasAt {
		return codeToken(instance, false)
	}
	return strings.IndexFunc(local, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0
}

// codeToken reports whether s is letters, digits and '-', and with punct
// '.' and '_' as well; never empty.
func codeToken(s string, punct bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		case punct && (c == '.' || c == '_'):
		default:
			return false
		}
	}
	return true
}
