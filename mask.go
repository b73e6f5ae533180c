package hcxonboard

import "strings"

// MaskMobile hides all but the last four digits of a phone number, for logs
// and error messages: "9876543210" becomes "******3210".
func MaskMobile(s string) string {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits <= 4 {
		return strings.Repeat("*", len(s))
	}
	var b strings.Builder
	seen := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			seen++
			if seen <= digits-4 {
				b.WriteByte('*')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaskEmail keeps the first character of the local part and the domain:
// "admin@example.org" becomes "a****@example.org". A local part of one
// character is starred whole ("*@example.org"): keeping it would keep the
// address.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return strings.Repeat("*", len(s))
	}
	local, domain := []rune(s[:at]), s[at:]
	if len(local) == 1 {
		return "*" + domain
	}
	return string(local[0]) + strings.Repeat("*", len(local)-1) + domain
}

// MaskHPRID hides a health professional's HPR ID, a person's, as contacts
// are hidden: an HPR number keeps its last four digits
// ("71-1234-5678-9012" becomes "**-****-****-9012"), an HPR address the
// first letter of its user name ("a*********@hpr.abdm").
func MaskHPRID(id string) string {
	if strings.Contains(id, "@") {
		return MaskEmail(id)
	}
	return MaskMobile(id)
}
