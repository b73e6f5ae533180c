package verifier

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/words"
)

// HFRIDLength is the length of an HFR facility id: "IN" and ten letters or
// digits.
const HFRIDLength = 12

// ValidateHFRID checks that s is an HFR facility id: "IN" followed by ten
// letters or digits (^IN[A-Za-z0-9]{10}$). It does not trim or change case;
// callers clean input first. Errors wrap [ErrInvalidHFRID].
func ValidateHFRID(s string) error {
	if s == "" {
		return ruleErr(ErrInvalidHFRID, "HFR ID", "", "is empty")
	}
	for i := 0; i < len(s); i++ {
		if alnumValue(s[i]) < 0 {
			return ruleErr(ErrInvalidHFRID, "HFR ID", shown(s),
				fmt.Sprintf("contains %s at position %d; only letters and digits are allowed", quoteRuneAt(s, i), i+1))
		}
	}
	if len(s) != HFRIDLength {
		return ruleErr(ErrInvalidHFRID, "HFR ID", shown(s),
			fmt.Sprintf("has %s, an HFR ID has %d (IN and 10 letters or digits)", words.Count(len(s), "character"), HFRIDLength))
	}
	if s[0] != 'I' || s[1] != 'N' {
		return ruleErr(ErrInvalidHFRID, "HFR ID", s, fmt.Sprintf("starts with %s, an HFR ID starts with IN", s[:2]))
	}
	return nil
}

// HPRDomain is the address suffix of an HPR id in username form.
const HPRDomain = "hpr.abdm"

// NormalizeHPRID returns the canonical form of a Healthcare Professionals
// Registry id, the two forms HPR issues:
//
//   - a 14-digit HPR number, with or without spaces or hyphens (of any
//     width or kind) anywhere, becomes NN-NNNN-NNNN-NNNN;
//   - an HPR address "username@hpr.abdm" is kept, lower-cased.
//
// Usernames are 3–64 characters of letters, digits, '.', '_' and '-',
// starting and ending with a letter or digit, and not all digits (a run of
// digits is taken for a mistyped HPR number). A bare username without
// "@hpr.abdm" is refused with a hint to add it rather than completed
// silently, so the ID on record is the one the professional wrote. Errors
// wrap [ErrInvalidHPRID] and quote the ID masked (hcxonboard.MaskHPRID): it
// is a person's, as a mobile number is.
func NormalizeHPRID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ruleErr(ErrInvalidHPRID, "HPR ID", "", "is empty")
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		user, domain := s[:at], s[at+1:]
		if !strings.EqualFold(domain, HPRDomain) {
			return "", ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(s),
				fmt.Sprintf("ends in @%s; an HPR address ends in @%s", shown(domain), HPRDomain))
		}
		if err := checkHPRUser(s, user); err != nil {
			return "", err
		}
		if isLowerASCII(user) && domain == HPRDomain {
			return s, nil
		}
		return strings.ToLower(user) + "@" + HPRDomain, nil
	}
	digits, other := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case c == ' ' || c == '-':
		case wideSeparator(s[i:]) > 0:
			i += wideSeparator(s[i:]) - 1
		default:
			other = true
		}
	}
	if !other {
		if digits != 14 {
			return "", ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(s),
				fmt.Sprintf("has %s, an HPR number has 14 (NN-NNNN-NNNN-NNNN)", words.Count(digits, "digit")))
		}
		if len(s) == 17 && s[2] == '-' && s[7] == '-' && s[12] == '-' {
			return s, nil // already canonical
		}
		b := make([]byte, 0, 17)
		n := 0
		for i := 0; i < len(s); i++ {
			if c := s[i]; isDigit(c) {
				if n == 2 || n == 6 || n == 10 {
					b = append(b, '-')
				}
				b = append(b, c)
				n++
			}
		}
		return string(b), nil
	}
	if err := checkHPRUser(s, s); err != nil {
		return "", err
	}
	return "", ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(s),
		"is neither a 14-digit HPR number nor an HPR address; if it is your HPR username, add @"+HPRDomain)
}

func checkHPRUser(whole, user string) error {
	if len(user) < 3 || len(user) > 64 {
		return ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(whole),
			fmt.Sprintf("username has %s; it has 3–64", words.Count(len(user), "character")))
	}
	letters := false
	for i := 0; i < len(user); i++ {
		c := user[i]
		switch {
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			letters = true
		case isDigit(c):
		case c == '.' || c == '_' || c == '-':
			if i == 0 || i == len(user)-1 {
				return ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(whole),
					fmt.Sprintf("username starts or ends with %q; it starts and ends with a letter or digit", c))
			}
		default:
			return ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(whole),
				fmt.Sprintf("contains %s; a username has letters, digits, '.', '_' and '-'", quoteRuneAt(user, i)))
		}
	}
	if !letters {
		return ruleErr(ErrInvalidHPRID, "HPR ID", maskedHPRID(whole),
			"is digits and punctuation but not a 14-digit HPR number (NN-NNNN-NNNN-NNNN)")
	}
	return nil
}

// maskedHPRID is an HPR ID as an error or message quotes it: a
// professional's, so masked as contacts are (hcxonboard.MaskHPRID), then
// cut to size.
func maskedHPRID(s string) string { return shown(hcxonboard.MaskHPRID(s)) }

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// ValidateIRDARegistration checks an IRDAI registration number for the role
// it is offered with; surrounding space is ignored and leading zeros are
// kept as given (store the number as a string):
//
//   - payer (an insurer): 1–3 digits, such as 190 or 58;
//   - agency.tpa: exactly 3 digits, zero-padded, such as 003;
//   - member.isnp: IRDAI registers intermediaries under several schemes
//     with no single published format, so 1–32 letters, digits, '/', '-'
//     or '.', with at least one digit.
//
// An all-zero number is rejected. For other roles the guideline asks for no
// IRDA number, and the error says so. Errors wrap [ErrInvalidIRDA]. The
// numbers carry no check digit: only a look-up against IRDAI's published
// lists proves one is real.
func ValidateIRDARegistration(s string, r hcxonboard.Role) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return ruleErr(ErrInvalidIRDA, "IRDA registration number", "", "is empty")
	}
	switch r {
	case hcxonboard.RolePayer, hcxonboard.RoleTPA:
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
					fmt.Sprintf("contains %s; it is digits only", quoteRuneAt(s, i)))
			}
		}
		if r == hcxonboard.RoleTPA && len(s) != 3 {
			return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
				fmt.Sprintf("has %s; a TPA's number has exactly 3, zero-padded as IRDAI prints it (e.g. 003)", words.Count(len(s), "digit")))
		}
		if len(s) > 3 {
			return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
				fmt.Sprintf("has %d digits; an insurer's number has 1–3", len(s)))
		}
		if strings.Trim(s, "0") == "" {
			return ruleErr(ErrInvalidIRDA, "IRDA registration number", s, "is zero")
		}
		return nil
	case hcxonboard.RoleISNP:
		if len(s) > 32 {
			return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
				fmt.Sprintf("has %d characters; at most 32", len(s)))
		}
		digit, nonzero := false, false
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case isDigit(c):
				digit = true
				nonzero = nonzero || c != '0'
			case (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '-' || c == '.':
			default:
				return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
					fmt.Sprintf("contains %s; use letters, digits, '/', '-' or '.'", quoteRuneAt(s, i)))
			}
		}
		if !digit || !nonzero {
			return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s), "has no registration number digits")
		}
		return nil
	}
	return ruleErr(ErrInvalidIRDA, "IRDA registration number", shown(s),
		fmt.Sprintf("is not asked of role %q; only payers, TPAs and ISNPs give one", shown(string(r))))
}

// NormalizeMobile returns an Indian mobile number as its 10 digits. Spaces
// and hyphens (of any width or kind: a no-break space, an en dash), dots
// and parentheses are dropped, and a +91, 0091, 91 (before ten digits) or
// 0 (before ten digits) prefix is removed. The result must be 10 digits
// starting with 6, 7, 8 or 9. Errors wrap [ErrInvalidMobile] and show the
// number masked.
func NormalizeMobile(s string) (string, error) {
	if len(s) == 10 && isMobile10(s) {
		return s, nil // the common, already clean case
	}
	masked := hcxonboard.MaskMobile(shown(s))
	var buf [24]byte
	b := buf[:0]
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if len(b) == len(buf) {
				return "", ruleErr(ErrInvalidMobile, "mobile number", masked, "is too long for a phone number")
			}
			b = append(b, c)
		case c == '+' && len(b) == 0 && !plus:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t':
		case wideSeparator(s[i:]) > 0:
			i += wideSeparator(s[i:]) - 1
		default:
			return "", ruleErr(ErrInvalidMobile, "mobile number", masked,
				fmt.Sprintf("contains %s; use digits only", quoteRuneAt(s, i)))
		}
	}
	if plus {
		if len(b) < 2 || b[0] != '9' || b[1] != '1' {
			return "", ruleErr(ErrInvalidMobile, "mobile number", masked,
				"has a country code other than +91; give an Indian mobile number")
		}
		b = b[2:]
	} else if len(b) == 14 && string(b[:4]) == "0091" {
		b = b[4:]
	} else if len(b) == 12 && b[0] == '9' && b[1] == '1' {
		b = b[2:]
	}
	if len(b) == 11 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) == 0 {
		return "", ruleErr(ErrInvalidMobile, "mobile number", "", "is empty")
	}
	if len(b) != 10 {
		return "", ruleErr(ErrInvalidMobile, "mobile number", masked,
			fmt.Sprintf("has %s after the prefix; an Indian mobile number has 10", words.Count(len(b), "digit")))
	}
	if b[0] < '6' {
		return "", ruleErr(ErrInvalidMobile, "mobile number", masked,
			fmt.Sprintf("starts with %c; an Indian mobile number starts with 6, 7, 8 or 9 (a landline is not accepted)", b[0]))
	}
	return string(b), nil
}

// wideSeparator returns the length in bytes of the space or dash other
// than ASCII's that s starts with (U+00A0 no-break space, U+202F, U+2009;
// U+2011 non-breaking hyphen, U+2013 en dash …), or 0: text copied from a
// page, a word processor or a PDF groups digits with them where a person
// types a space or a hyphen.
func wideSeparator(s string) int {
	if s == "" || s[0] < utf8.RuneSelf {
		return 0
	}
	if r, size := utf8.DecodeRuneInString(s); unicode.In(r, unicode.Zs, unicode.Pd) {
		return size
	}
	return 0
}

func isMobile10(s string) bool {
	if s[0] < '6' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// ValidateEmail checks that s is a plain e-mail address (no display name,
// no comments, no quoted local part): at most 254 characters; a local part
// of 1–64 characters from the RFC 5322 atom set, with dots only between
// atoms; and a domain of at least two dot-separated labels of letters,
// digits and inner hyphens, the last one (the top-level domain) letters or
// an "xn--" label. It does not trim: callers clean input first. Errors wrap
// [ErrInvalidEmail] and show the address masked.
func ValidateEmail(s string) error {
	if s == "" {
		return ruleErr(ErrInvalidEmail, "e-mail address", "", "is empty")
	}
	bad := func(problem string) error {
		return ruleErr(ErrInvalidEmail, "e-mail address", hcxonboard.MaskEmail(shown(s)), problem)
	}
	if len(s) > 254 {
		return bad(fmt.Sprintf("has %d characters; at most 254", len(s)))
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return bad("has no @")
	}
	local, domain := s[:at], s[at+1:]
	switch {
	case local == "":
		return bad("has nothing before the @")
	case len(local) > 64:
		return bad("has more than 64 characters before the @")
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return bad("has a dot at the start or end of the name, or two dots in a row")
	}
	for i := 0; i < len(local); i++ {
		if !isAtext(local[i]) && local[i] != '.' {
			if local[i] == '@' {
				return bad("has more than one @")
			}
			return bad(fmt.Sprintf("contains %s before the @", quoteRuneAt(local, i)))
		}
	}
	if domain == "" {
		return bad("has no domain after the @")
	}
	dots := 0
	for rest := domain; ; dots++ {
		label := rest
		dot := strings.IndexByte(rest, '.')
		if dot >= 0 {
			label, rest = rest[:dot], rest[dot+1:]
		}
		if err := checkDomainLabel(label, dot < 0); err != "" {
			return bad(err)
		}
		if dot < 0 {
			break
		}
	}
	if dots == 0 {
		return bad("domain has no dot; give the full domain, such as example.org")
	}
	return nil
}

func checkDomainLabel(label string, last bool) string {
	switch {
	case label == "":
		return "domain has an empty part (two dots in a row, or a dot at an end)"
	case len(label) > 63:
		return "domain has a part over 63 characters"
	case label[0] == '-' || label[len(label)-1] == '-':
		return "domain has a part starting or ending with a hyphen"
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if alnumValue(c) < 0 && c != '-' {
			return fmt.Sprintf("domain contains %s", quoteRuneAt(label, i))
		}
	}
	if last && !strings.HasPrefix(label, "xn--") {
		if len(label) < 2 {
			return "top-level domain is one character"
		}
		for i := 0; i < len(label); i++ {
			if isDigit(label[i]) || label[i] == '-' {
				return "top-level domain is not letters only"
			}
		}
	}
	return ""
}

// isAtext reports whether c may appear in an RFC 5322 dot-atom.
func isAtext(c byte) bool {
	if alnumValue(c) >= 0 {
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
