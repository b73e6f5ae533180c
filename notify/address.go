package notify

import (
	"net/mail"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/verifier"
)

// AddressKind is the kind of address an onboarding.Message is for.
type AddressKind int

// Address kinds, as Classify tells them apart.
const (
	// Unknown is no address a transport can reach.
	Unknown AddressKind = iota
	// Email is an e-mail address: "admin@example.org".
	Email
	// Mobile is an Indian mobile number, as ParseMobile reads it: ten
	// digits starting 6–9, alone or after +91, 0091, 91 or 0, with
	// spaces, hyphens, dots and parentheses allowed.
	Mobile
	// Participant is a participant code: "hosp_rakshi_012345@hcx01",
	// "481516234200@hcx", or a code without an instance.
	Participant
	// Broadcast is onboarding.Broadcast: every participant of the network.
	Broadcast
	// Staff is onboarding.Staff: the operator's review staff.
	Staff
	// HFR is "<facility id>@hfr": the manager the Health Facility Registry
	// holds for that facility.
	HFR
)

var kindNames = [...]string{"unknown", "email", "mobile", "participant", "broadcast", "staff", "hfr"}

// String returns the kind's lower-case name.
func (k AddressKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[0]
	}
	return kindNames[k]
}

// Classify tells what kind of address to is. It decides in this order:
// onboarding.Broadcast and onboarding.Staff by their exact spelling;
// "<id>@hfr" with a letters-and-digits facility id; an e-mail address
// (one "@", a domain with a dot whose last label does not start with a
// digit, and what net/mail accepts as a bare address: never an address at
// an IP address); a mobile number (see ParseMobile); a participant code
// (letters, digits, ".", "_", "-", at most 128 characters, then "@" and
// an instance name without a dot, or with no instance at least one
// letter). Everything else — an empty
// string, a display name, a foreign number — is Unknown.
func Classify(to string) AddressKind {
	switch {
	case to == onboarding.Broadcast:
		return Broadcast
	case to == onboarding.Staff:
		return Staff
	}
	local, domain, hasAt := strings.Cut(to, "@")
	if hasAt && domain == "hfr" {
		if local != "" && isToken(local, false) {
			return HFR
		}
		return Unknown
	}
	if hasAt && strings.Contains(domain, ".") {
		if isEmail(to) {
			return Email
		}
		return Unknown
	}
	if _, ok := ParseMobile(to); ok {
		return Mobile
	}
	// A code without an instance has a letter: digits alone are a
	// mistyped number, not a code.
	if hcxonboard.IsParticipantCodeForm(to) {
		return Participant
	}
	return Unknown
}

// isEmail reports whether s is a bare e-mail address: no display name, no
// angle brackets, one "@", and a domain name. An address at an IP address
// — a domain literal ("[10.0.0.1]") or a dotted quad taken as a domain —
// is not one: the operator's mail relay would deliver it wherever the
// sender chose, its own network included. No top-level domain starts
// with a digit, and the engine's addresses (verifier.ValidateEmail) never
// do either.
func isEmail(s string) bool {
	if strings.Count(s, "@") != 1 || strings.ContainsAny(s, " <>\"[]") {
		return false
	}
	domain := s[strings.IndexByte(s, '@')+1:]
	if tld := domain[strings.LastIndexByte(domain, '.')+1:]; tld == "" || tld[0] >= '0' && tld[0] <= '9' {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// isToken reports whether s is letters and digits, with "-" (and with
// punct, "." and "_") between them.
func isToken(s string, punct bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || punct && (c == '.' || c == '_'):
		default:
			return false
		}
	}
	return true
}

// ParseMobile reads an Indian mobile number and returns it as E.164
// ("+919876543210"). It accepts what verifier.NormalizeMobile accepts, the
// form the engine keeps numbers in: ten digits starting 6–9, alone or
// after "+91", "0091", "91" or "0", with spaces, hyphens, dots and
// parentheses anywhere.
func ParseMobile(s string) (e164 string, ok bool) {
	n, err := verifier.NormalizeMobile(s)
	if err != nil {
		return "", false
	}
	return "+91" + n, true
}
