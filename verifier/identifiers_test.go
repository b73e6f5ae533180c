package verifier_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// assertRuleError checks that err is a *RuleError for sentinel whose text
// contains problem.
func assertRuleError(t *testing.T, err error, sentinel error, problem string) *verifier.RuleError {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, sentinel)
	assert.Contains(t, err.Error(), problem)
	var re *verifier.RuleError
	require.True(t, errors.As(err, &re), "%T is not a *RuleError", err)
	return re
}

func TestValidateHFRID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		problem string
	}{
		{"IN2910000123", ""},
		{"IN27AB0C4567", ""},
		{"INabcdefghij", ""}, // letters are allowed; callers upper-case first
		{"", "is empty"},
		{"IN291000012", "has 11 characters, an HFR ID has 12"},
		{"IN29100001234", "has 13 characters"},
		{"XN2910000123", "starts with XN, an HFR ID starts with IN"},
		{"in2910000123", "starts with in"},
		{"IN 2910000123", `contains ' ' at position 3`},
		{"IN-291000012", `contains '-'`},
		{"IN291000012Ω", `contains 'Ω'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			err := verifier.ValidateHFRID(tt.in)
			if tt.problem == "" {
				assert.NoError(t, err)
				return
			}
			re := assertRuleError(t, err, verifier.ErrInvalidHFRID, tt.problem)
			assert.Equal(t, "HFR ID", re.Field)
		})
	}
}

func TestNormalizeHPRID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, problem string
	}{
		{name: "plain number", in: "71301245678901", want: "71-3012-4567-8901"},
		{name: "dashed number", in: "71-3012-4567-8901", want: "71-3012-4567-8901"},
		{name: "spaced number", in: " 71 3012 4567 8901 ", want: "71-3012-4567-8901"},
		{name: "address", in: "kavita.sharma@hpr.abdm", want: "kavita.sharma@hpr.abdm"},
		{name: "address in capitals", in: "Kavita_Sharma@HPR.ABDM", want: "kavita_sharma@hpr.abdm"},
		{name: "address with digits", in: "dr2mehta-01@hpr.abdm", want: "dr2mehta-01@hpr.abdm"},

		{name: "empty", in: "  ", problem: "is empty"},
		{name: "13 digits", in: "71-3012-4567-890", problem: "has 13 digits, an HPR number has 14"},
		{name: "15 digits", in: "713012456789012", problem: "has 15 digits"},
		{name: "bare username", in: "kavita.sharma", problem: "add @hpr.abdm"},
		{name: "other domain", in: "kavita@abdm", problem: "ends in @abdm; an HPR address ends in @hpr.abdm"},
		{name: "ABHA address", in: "kavita@sbx", problem: "ends in @sbx"},
		{name: "username too short", in: "kv@hpr.abdm", problem: "username has 2 characters"},
		{name: "username with leading dot", in: ".kavita@hpr.abdm", problem: "starts or ends with '.'"},
		{name: "username with space", in: "kavita sharma@hpr.abdm", problem: `contains ' '`},
		{name: "username all digits", in: "713012@hpr.abdm", problem: "not a 14-digit HPR number"},
		{name: "two @", in: "a@b@hpr.abdm", problem: "ends in @b@hpr.abdm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verifier.NormalizeHPRID(tt.in)
			if tt.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			assert.Empty(t, got)
			assertRuleError(t, err, verifier.ErrInvalidHPRID, tt.problem)
		})
	}
}

func TestValidateIRDARegistration(t *testing.T) {
	t.Parallel()
	payer, tpa, isnp := hcxonboard.RolePayer, hcxonboard.RoleTPA, hcxonboard.RoleISNP
	tests := []struct {
		in      string
		role    hcxonboard.Role
		problem string
	}{
		// Insurers: 1–3 digits (IRDAI's published numbers: 58, 190, 512 …).
		{"1", payer, ""},
		{"58", payer, ""},
		{"190", payer, ""},
		{" 512 ", payer, ""},
		{"058", payer, ""}, // zero-padded as some documents print it; kept as given
		{"1480", payer, "has 4 digits; an insurer's number has 1–3"},
		{"0", payer, "is zero"},
		{"000", payer, "is zero"},
		{"19O", payer, `contains 'O'; it is digits only`},
		{"-58", payer, `contains '-'`},
		{"", payer, "is empty"},
		// TPAs: exactly 3 digits, leading zeros kept.
		{"003", tpa, ""},
		{"021", tpa, ""},
		{"100", tpa, ""},
		{"3", tpa, "has 1 digit; a TPA's number has exactly 3"},
		{"21", tpa, "exactly 3"},
		{"0021", tpa, "has 4 digits"},
		{"000", tpa, "is zero"},
		{"0O3", tpa, `contains 'O'`},
		// ISNPs: no single published format.
		{"IRDAI/WBA23/2019", isnp, ""},
		{"CA0123", isnp, ""},
		{"WBA#23", isnp, `contains '#'`},
		{"IRDAI/WBA", isnp, "has no registration number digits"},
		{"00/00", isnp, "has no registration number digits"},
		{strings.Repeat("1", 33), isnp, "has 33 characters; at most 32"},
		// Roles the guideline asks no IRDA number of.
		{"190", hcxonboard.RoleHospital, `is not asked of role "provider.hospital"`},
		{"190", hcxonboard.RoleBSP, "only payers, TPAs and ISNPs"},
	}
	for _, tt := range tests {
		t.Run(string(tt.role)+"/"+tt.in, func(t *testing.T) {
			t.Parallel()
			err := verifier.ValidateIRDARegistration(tt.in, tt.role)
			if tt.problem == "" {
				assert.NoError(t, err)
				return
			}
			assertRuleError(t, err, verifier.ErrInvalidIRDA, tt.problem)
		})
	}
}

func TestNormalizeMobile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, problem string
	}{
		{name: "ten digits", in: "9876543210", want: "9876543210"},
		{name: "starts with 6", in: "6000000001", want: "6000000001"},
		{name: "starts with 7", in: "7012345678", want: "7012345678"},
		{name: "starts with 8", in: "8123456789", want: "8123456789"},
		{name: "+91", in: "+919876543210", want: "9876543210"},
		{name: "+91 with spaces", in: "+91 98765 43210", want: "9876543210"},
		{name: "+91 with hyphens", in: "+91-98765-43210", want: "9876543210"},
		{name: "+91 (0)", in: "+91 (0) 98765 43210", want: "9876543210"},
		{name: "91 prefix", in: "919876543210", want: "9876543210"},
		{name: "0091 prefix", in: "0091 98765 43210", want: "9876543210"},
		{name: "0 prefix", in: "09876543210", want: "9876543210"},
		{name: "0 prefix spaced", in: "098765 43210", want: "9876543210"},
		{name: "dots and tabs", in: "98765.43210\t", want: "9876543210"},
		{name: "ten digits starting 91", in: "9198765432", want: "9198765432"},

		{name: "empty", in: "", problem: "is empty"},
		{name: "only spaces", in: "   ", problem: "is empty"},
		{name: "starts with 5", in: "5876543210", problem: "starts with 5; an Indian mobile number starts with 6, 7, 8 or 9"},
		{name: "landline", in: "044 2222 3333", problem: "starts with 4"},
		{name: "+91 landline", in: "+91 11 2345 6789", problem: "starts with 1"},
		{name: "nine digits", in: "987654321", problem: "has 9 digits"},
		{name: "eleven digits", in: "98765432101", problem: "has 11 digits"},
		{name: "other country", in: "+1 415 555 0100", problem: "country code other than +91"},
		{name: "plus alone", in: "+", problem: "country code other than +91"},
		{name: "letters", in: "98765 4321O", problem: `contains 'O'; use digits only`},
		{name: "plus in the middle", in: "98765+43210", problem: `contains '+'`},
		{name: "two pluses", in: "++919876543210", problem: `contains '+'`},
		{name: "very long", in: strings.Repeat("9", 40), problem: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verifier.NormalizeMobile(tt.in)
			if tt.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				return
			}
			assert.Empty(t, got)
			re := assertRuleError(t, err, verifier.ErrInvalidMobile, tt.problem)
			// A number in an error is masked: at most its last four digits show.
			digits := 0
			for _, r := range re.Value {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			assert.LessOrEqual(t, digits, 4, "unmasked number in %q", err.Error())
		})
	}
}

func TestValidateEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, problem string
	}{
		{"admin@example.org", ""},
		{"first.last+hcx@mail.example.co.in", ""},
		{"o'brien@example.org", ""},
		{"a@b-c.example", ""},
		{"x@example.xn--h2brj9c", ""}, // an IDN top-level domain in punycode

		{"", "is empty"},
		{"admin.example.org", "has no @"},
		{"@example.org", "has nothing before the @"},
		{"admin@", "has no domain after the @"},
		{"admin@localhost", "domain has no dot"},
		{"a@b@example.org", "has more than one @"},
		{".admin@example.org", "dot at the start"},
		{"ad..min@example.org", "two dots in a row"},
		{"ad min@example.org", `contains ' ' before the @`},
		{"Admin <admin@example.org>", `contains ' '`},
		{"admin@example..org", "empty part"},
		{"admin@-example.org", "starting or ending with a hyphen"},
		{"admin@exa_mple.org", `domain contains '_'`},
		{"admin@example.o", "top-level domain is one character"},
		{"admin@example.123", "top-level domain is not letters only"},
		{strings.Repeat("a", 65) + "@example.org", "more than 64 characters before the @"},
		{"a@" + strings.Repeat("b", 64) + ".org", "part over 63 characters"},
		{strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "org", "at most 254"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			err := verifier.ValidateEmail(tt.in)
			if tt.problem == "" {
				assert.NoError(t, err)
				return
			}
			re := assertRuleError(t, err, verifier.ErrInvalidEmail, tt.problem)
			if at := strings.LastIndexByte(tt.in, '@'); at > 1 && len(tt.in) <= 40 {
				assert.NotContains(t, re.Value, tt.in[:at], "local part shown unmasked")
			}
		})
	}
}

func TestRuleError(t *testing.T) {
	t.Parallel()
	err := verifier.ValidateGSTIN("27AAPFU0939F1ZX")
	re := assertRuleError(t, err, verifier.ErrInvalidGSTIN, "")
	assert.Equal(t, &verifier.RuleError{Field: "GSTIN", Value: "27AAPFU0939F1ZX",
		Problem: "check character is X, expected V", Err: verifier.ErrInvalidGSTIN}, re)
	assert.Equal(t, "GSTIN 27AAPFU0939F1ZX: check character is X, expected V", err.Error())
	assert.Equal(t, "GSTIN: is empty", verifier.ValidateGSTIN("").Error())

	// Long or hostile input is clipped and cleaned before it is repeated.
	err = verifier.ValidateHFRID("IN" + strings.Repeat("\x1b[31m", 20))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\x1b")
	assert.Less(t, len(err.Error()), 200)
}
