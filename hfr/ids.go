package hfr

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/openhcx/hcxonboard"
)

// hprDomain is the suffix of the address form of an HPR ID.
const hprDomain = "@hpr.abdm"

// NormalizeFacilityID checks an HFR facility ID and returns it in canonical
// form: "IN" followed by ten letters or digits, upper case, surrounding
// space removed (every ID observed is IN + 10 digits; two independent
// clients accept letters too). A malformed ID is an error wrapping
// ErrInvalidID, which quotes it with any mobile number, e-mail address or
// HPR number typed into it by mistake masked.
func NormalizeFacilityID(id string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(id))
	if len(s) != 12 || s[0] != 'I' || s[1] != 'N' || !isAlnum(s[2:]) {
		return "", fmt.Errorf("%w: facility ID %q: want IN followed by 10 letters or digits", ErrInvalidID, maskedExcerpt(id))
	}
	return s, nil
}

// NormalizeHPRID checks an HPR ID and returns it in canonical form. Two
// forms are accepted: the 14-digit number, written plain or grouped as
// NN-NNNN-NNNN-NNNN with hyphens or spaces (returned in the dashed form), and the address
// username@hpr.abdm (returned in lower case). A malformed ID is an error
// wrapping ErrInvalidID.
func NormalizeHPRID(id string) (string, error) {
	s := strings.TrimSpace(id)
	if digits, ok := hprNumberDigits(s); ok {
		return dashedHPR(digits), nil
	}
	lower := strings.ToLower(s)
	if local, ok := strings.CutSuffix(lower, hprDomain); ok && validHPRUser(local) {
		return lower, nil
	}
	return "", fmt.Errorf("%w: HPR ID %q: want 14 digits (NN-NNNN-NNNN-NNNN) or username@hpr.abdm", ErrInvalidID, excerpt(hcxonboard.MaskHPRID(s)))
}

// hprNumberDigits returns the 14 digits of an HPR number written plain or
// grouped 2-4-4-4 with a hyphen or a space between the groups (the card
// prints it dashed; people copy it spaced).
func hprNumberDigits(s string) (string, bool) {
	switch len(s) {
	case 14:
		return s, isDigits(s)
	case 17:
		if !hprGroupSep(s[2]) || !hprGroupSep(s[7]) || !hprGroupSep(s[12]) {
			return "", false
		}
		d := s[:2] + s[3:7] + s[8:12] + s[13:]
		return d, isDigits(d)
	}
	return "", false
}

func hprGroupSep(c byte) bool { return c == '-' || c == ' ' }

func dashedHPR(d string) string {
	return d[:2] + "-" + d[2:6] + "-" + d[6:10] + "-" + d[10:]
}

// validHPRUser follows the observed rule [a-z0-9][a-z0-9._-]{2,}, capped
// at 64 characters.
func validHPRUser(u string) bool {
	if len(u) < 3 || len(u) > 64 {
		return false
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// sameHPR reports whether a registry's value names the professional asked
// for: equal digits for the number form, equal address (with or without
// the domain) for the address form.
func sameHPR(registryValue, want string) bool {
	v := strings.ToLower(strings.TrimSpace(registryValue))
	if v == "" {
		return false
	}
	if wd, ok := hprNumberDigits(want); ok {
		vd, ok := hprNumberDigits(v)
		return ok && vd == wd
	}
	v = strings.TrimSuffix(v, hprDomain)
	return v == strings.TrimSuffix(want, hprDomain)
}

// otpDigits cleans a one-time code as people type it: white space around
// and inside it, and the hyphens an SMS may group it with ("481 516",
// "481-516"), are removed. What remains is checked by the caller.
func otpDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// maskHPRIDsIn masks each of ids, canonical HPR IDs, in registry text t,
// in the forms the registries write a number in (dashed, plain, spaced);
// an address, which is an e-mail's shape, the log redactor masks too.
func maskHPRIDsIn(t string, ids []string) string {
	for _, id := range ids {
		forms := []string{id}
		if d, ok := hprNumberDigits(id); ok {
			forms = append(forms, d, strings.ReplaceAll(id, "-", " "))
		}
		for _, f := range forms {
			t = strings.ReplaceAll(t, f, hcxonboard.MaskHPRID(id))
		}
	}
	return t
}

// maskedExcerpt is excerpt of caller input with the personal data in it
// masked (hcxonboard.RedactText). Only a bounded start is examined, wide
// enough that a number across the excerpt's end is still seen whole.
func maskedExcerpt(s string) string {
	if len(s) > 160 {
		s = s[:160]
	}
	return excerpt(hcxonboard.RedactText(s))
}

// excerpt bounds caller input quoted in an error.
func excerpt(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
