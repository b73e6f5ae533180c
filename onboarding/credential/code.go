package credential

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/internal/textclip"
)

// CodeRequest is what a participant-code generator may draw on.
type CodeRequest struct {
	// Name is the participant name as registered.
	Name string
	// Roles are the participant's roles, in the order applied for.
	Roles []hcxonboard.Role
	// ApplicantCode, when set, is an identifier the applicant already holds
	// (an empanelment id, say). PlatformCodes uses it as the sequence part
	// instead of a random number; OpaqueCodes ignores it.
	ApplicantCode string
}

// CodeGenerator mints participant codes. A generator proposes a code; the
// registry's unique index decides, and the caller asks again on a
// collision. Implementations must be safe for concurrent use.
type CodeGenerator interface {
	Code(ctx context.Context, req CodeRequest) (string, error)
}

// CodeGeneratorFunc adapts a function to CodeGenerator.
type CodeGeneratorFunc func(ctx context.Context, req CodeRequest) (string, error)

// Code calls f.
func (f CodeGeneratorFunc) Code(ctx context.Context, req CodeRequest) (string, error) {
	if f == nil {
		return "", fmt.Errorf("%w: nil CodeGeneratorFunc", ErrInvalidOption)
	}
	return f(ctx, req)
}

var (
	_ CodeGenerator = CodeGeneratorFunc(nil)
	_ CodeGenerator = (*platformCodes)(nil)
	_ CodeGenerator = (*opaqueCodes)(nil)
)

const (
	maxInstanceLen      = 63
	maxApplicantCodeLen = 32
	// codeSeparator joins the parts of a platform code; the reference
	// platform's participant_code_field_separator defaults to it.
	codeSeparator = "_"
	// nameFallback stands in for name6 when a name holds no ASCII letter or
	// digit (a name written only in Devanagari, say), so that such a
	// participant still gets a readable, ASCII-only code.
	nameFallback = "pcpt"
	// opaqueLow is the smallest opaque number, 10¹¹: codes have 12 digits,
	// 9×10¹¹ values, so among 100,000 participants the odds of any collision
	// are about 1 in 180, and the registry's unique index settles the rest.
	opaqueLow = 100_000_000_000
)

// validateInstance checks the HCX instance code that ends every participant
// code: 1–63 ASCII letters, digits, '-' or '.', starting and ending with a
// letter or digit ("hcx", "hcx01", "sbx", "hcx-dev").
func validateInstance(instance string) error {
	if instance == "" {
		return fmt.Errorf("%w: instance code is empty", ErrInvalidOption)
	}
	if len(instance) > maxInstanceLen {
		return fmt.Errorf("%w: instance code is longer than %d characters", ErrInvalidOption, maxInstanceLen)
	}
	for i := 0; i < len(instance); i++ {
		c := instance[i]
		switch {
		case isAlnum(c):
		case (c == '-' || c == '.') && i > 0 && i < len(instance)-1:
		default:
			return fmt.Errorf("%w: instance code %q: character %q at %d is not allowed (letters, digits, inner '-' or '.')",
				ErrInvalidOption, printable(instance), rune(c), i)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// printable caps s for an error message, with controls as spaces and
// invalid UTF-8 replaced, so a hostile input cannot flood or garble a log
// line.
func printable(s string) string { return textclip.Clip(s, 64) }

// PlatformCodes returns the reference HCX platform's generator:
//
//	lower(role4 + "_" + name6 + "_" + seq + "@" + instance)
//
// as in "hosp_rakshi_012345@hcx01". The parts are:
//
//   - role4, from the roles: the first provider sub-role found anywhere in
//     the list gives hosp, clin, prac, diag or phar (provider.hospital,
//     .clinic, .practitioner, .diagnostics, .pharmacy); otherwise payer gives
//     payr, then bsp gives bsp, then provider gives hosp; otherwise the first
//     role gives tpa (agency.tpa), regu (agency.regulator), spon
//     (agency.sponsor), isnp (member.isnp), rsch (research) or hcx
//     (HIE/HIO.HCX). The platform slices roles[0] blindly, which mislabels
//     ["payer", "provider.clinic"]; this generator does not.
//   - name6: the first six ASCII letters or digits of the name, lower-case,
//     everything else (spaces, punctuation, other scripts) dropped; "pcpt"
//     when none is left.
//   - seq: the request's ApplicantCode, lower-cased, keeping letters, digits
//     and inner '-' (at most 32 characters); without one, a uniform random
//     number in 100000–999999 drawn from rand.
//
// instance is the HCX instance code (see OpaqueCodes for the rule). rand
// nil means crypto/rand. The generator is safe for concurrent use, even
// over a rand that is not.
func PlatformCodes(instance string, rand io.Reader) (CodeGenerator, error) {
	if err := validateInstance(instance); err != nil {
		return nil, err
	}
	return &platformCodes{instance: strings.ToLower(instance), rand: newLockedReader(rand)}, nil
}

type platformCodes struct {
	instance string
	rand     io.Reader
}

func (g *platformCodes) Code(ctx context.Context, req CodeRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	role, err := roleSlug(req.Roles)
	if err != nil {
		return "", err
	}
	name, err := nameSlug(req.Name)
	if err != nil {
		return "", err
	}
	var seq string
	if req.ApplicantCode != "" {
		if seq, err = applicantSlug(req.ApplicantCode); err != nil {
			return "", err
		}
	} else {
		n, err := uniform(g.rand, 900000)
		if err != nil {
			return "", err
		}
		seq = strconv.FormatUint(100000+n, 10)
	}
	return role + codeSeparator + name + codeSeparator + seq + "@" + g.instance, nil
}

// providerSlugs are the platform's role4 values for provider sub-roles:
// characters 9–13 of the role name.
var providerSlugs = map[hcxonboard.Role]string{
	hcxonboard.RoleHospital:     "hosp",
	hcxonboard.RoleClinic:       "clin",
	hcxonboard.RolePractitioner: "prac",
	hcxonboard.RoleDiagnostics:  "diag",
	hcxonboard.RolePharmacy:     "phar",
}

// otherSlugs cover the roles the platform would have copied verbatim into
// the code ("agency.tpa_…"); a short slug keeps codes uniform and free of
// '.' and '/'.
var otherSlugs = map[hcxonboard.Role]string{
	hcxonboard.RoleTPA:       "tpa",
	hcxonboard.RoleRegulator: "regu",
	hcxonboard.RoleSponsor:   "spon",
	hcxonboard.RoleISNP:      "isnp",
	hcxonboard.RoleResearch:  "rsch",
	hcxonboard.RoleHCX:       "hcx",
}

func roleSlug(roles []hcxonboard.Role) (string, error) {
	if len(roles) == 0 {
		return "", fmt.Errorf("%w: no roles", ErrInvalidArgument)
	}
	var hasPayer, hasBSP, hasProvider bool
	for _, r := range roles {
		if !r.Valid() {
			return "", fmt.Errorf("%w: role %q: %w", ErrInvalidArgument, printable(string(r)), hcxonboard.ErrUnknownRole)
		}
		switch r {
		case hcxonboard.RolePayer:
			hasPayer = true
		case hcxonboard.RoleBSP:
			hasBSP = true
		case hcxonboard.RoleProvider:
			hasProvider = true
		}
	}
	for _, r := range roles {
		if s, ok := providerSlugs[r]; ok {
			return s, nil
		}
	}
	switch {
	case hasPayer:
		return "payr", nil
	case hasBSP:
		return "bsp", nil
	case hasProvider:
		return "hosp", nil
	}
	return otherSlugs[roles[0]], nil
}

func nameSlug(name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", fmt.Errorf("%w: participant name is empty", ErrInvalidArgument)
	}
	var b [6]byte
	n := 0
	for i := 0; i < len(name) && n < len(b); i++ {
		if c := name[i]; isAlnum(c) {
			b[n] = lowerASCII(c)
			n++
		}
	}
	if n == 0 {
		return nameFallback, nil
	}
	return string(b[:n]), nil
}

func applicantSlug(code string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case isAlnum(c):
			b.WriteByte(lowerASCII(c))
		case c == '-' && b.Len() > 0:
			b.WriteByte(c)
		}
		if b.Len() > maxApplicantCodeLen {
			return "", fmt.Errorf("%w: applicant code is longer than %d characters", ErrInvalidArgument, maxApplicantCodeLen)
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return "", fmt.Errorf("%w: applicant code %q has no letters or digits", ErrInvalidArgument, printable(code))
	}
	return s, nil
}

// OpaqueCodes returns an NHCX-style generator: a code that means nothing,
// 12 random decimal digits (the first never 0) then "@" and the instance,
// as in "481516234200@hcx". Clients must store such codes verbatim, so the
// instance keeps its case. The request's ApplicantCode is ignored; roles
// and name are not read, but the request is still checked so that both
// generators refuse the same bad input.
//
// instance is the HCX instance code: 1–63 ASCII letters, digits, '-' or
// '.', starting and ending with a letter or digit. rand nil means
// crypto/rand. The generator is safe for concurrent use.
func OpaqueCodes(instance string, rand io.Reader) (CodeGenerator, error) {
	if err := validateInstance(instance); err != nil {
		return nil, err
	}
	return &opaqueCodes{instance: instance, rand: newLockedReader(rand)}, nil
}

type opaqueCodes struct {
	instance string
	rand     io.Reader
}

func (g *opaqueCodes) Code(ctx context.Context, req CodeRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if _, err := roleSlug(req.Roles); err != nil {
		return "", err
	}
	if _, err := nameSlug(req.Name); err != nil {
		return "", err
	}
	n, err := uniform(g.rand, 9*opaqueLow)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(opaqueLow+n, 10) + "@" + g.instance, nil
}
