package verifier_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

func TestValidateGSTIN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string // normalised form when valid
		problem string // substring of the error when invalid
	}{
		// Known-good: the worked example and the synthetic fixtures of the
		// registries reference (§8.2).
		{name: "worked example", in: "27AAPFU0939F1ZV", want: "27AAPFU0939F1ZV"},
		{name: "fixture Karnataka", in: "29ABCDE1234F1ZW", want: "29ABCDE1234F1ZW"},
		{name: "fixture second registration", in: "27ABCDE1234F2ZZ", want: "27ABCDE1234F2ZZ"},
		{name: "fixture Delhi", in: "07AAACA1234B1ZK", want: "07AAACA1234B1ZK"},
		{name: "lower case", in: "27aapfu0939f1zv", want: "27AAPFU0939F1ZV"},
		{name: "spaces and hyphens", in: " 27 AAPFU-0939F 1ZV ", want: "27AAPFU0939F1ZV"},

		// Known-bad, one rule each.
		{name: "empty", in: "", problem: "is empty"},
		{name: "only spaces", in: "   ", problem: "is empty"},
		{name: "too short", in: "27AAPFU0939F1Z", problem: "has 14 characters, a GSTIN has 15"},
		{name: "too long", in: "27AAPFU0939F1ZVV", problem: "has 16 characters"},
		{name: "punctuation", in: "27AAPFU0939F1Z/", problem: `contains '/' at position 15`},
		{name: "non-ASCII", in: "27AAPFU0939F1ZṼ", problem: "contains 'Ṽ'"},
		{name: "state code 00", in: "00AAPFU0939F1ZV", problem: "starts with 00, which is not a GST state code"},
		{name: "state code 39", in: "39AAPFU0939F1ZV", problem: "not a GST state code"},
		{name: "state code letters", in: "A7AAPFU0939F1ZV", problem: "not a GST state code"},
		{name: "PAN digit where a letter goes", in: "27AAPF10939F1ZV", problem: "are not a PAN"},
		{name: "PAN letter where a digit goes", in: "27AAPFU09X9F1ZV", problem: "are not a PAN"},
		{name: "entity code 0", in: "27AAPFU0939F0ZV", problem: "character 13 is 0"},
		{name: "TDS registration", in: "27AAPFU0939F1DV", problem: "character 14 is D, expected Z"},
		{name: "flipped PAN character", in: "27AAPFU0939F1ZV"[:4] + "Q" + "27AAPFU0939F1ZV"[5:], problem: "check character is V, expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verifier.NormalizeGSTIN(tt.in)
			if tt.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				assert.NoError(t, verifier.ValidateGSTIN(tt.in))
				return
			}
			require.Error(t, err)
			assert.Empty(t, got)
			assert.ErrorIs(t, err, verifier.ErrInvalidGSTIN)
			assert.Contains(t, err.Error(), tt.problem)
			var re *verifier.RuleError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, "GSTIN", re.Field)
			assert.ErrorIs(t, verifier.ValidateGSTIN(tt.in), verifier.ErrInvalidGSTIN)
		})
	}
}

// TestGSTINEveryOtherCheckCharacter: exactly one of the 36 characters
// completes each valid GSTIN; every other one is refused for its check
// character, and the error names the right one.
func TestGSTINEveryOtherCheckCharacter(t *testing.T) {
	t.Parallel()
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, valid := range []string{"27AAPFU0939F1ZV", "29ABCDE1234F1ZW", "27ABCDE1234F2ZZ", "07AAACA1234B1ZK"} {
		t.Run(valid, func(t *testing.T) {
			t.Parallel()
			prefix, check := valid[:14], valid[14]
			accepted := 0
			for i := 0; i < len(alphabet); i++ {
				c := alphabet[i]
				err := verifier.ValidateGSTIN(prefix + string(c))
				if c == check {
					assert.NoError(t, err)
					accepted++
					continue
				}
				require.Error(t, err, "%s%c", prefix, c)
				assert.ErrorIs(t, err, verifier.ErrInvalidGSTIN)
				assert.Contains(t, err.Error(), "check character is "+string(c)+", expected "+string(check))
			}
			assert.Equal(t, 1, accepted)
			got, err := verifier.GSTINCheckChar(prefix)
			require.NoError(t, err)
			assert.Equal(t, check, got)
		})
	}
}

func TestGSTINCheckChar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    byte
		problem string
	}{
		{name: "worked example", in: "27AAPFU0939F1Z", want: 'V'},
		{name: "lower case", in: "27aapfu0939f1z", want: 'V'},
		// A sum divisible by 36 must give '0', not an out-of-range 36 (a
		// pitfall of public validators): search for such a prefix below.
		{name: "too short", in: "27AAPFU0939F1", problem: "has 13 bytes"},
		{name: "bad character", in: "27AAPFU0939F-Z", problem: "character 13 is '-'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verifier.GSTINCheckChar(tt.in)
			if tt.problem != "" {
				require.ErrorIs(t, err, verifier.ErrInvalidGSTIN)
				assert.Contains(t, err.Error(), tt.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("sum divisible by 36 gives 0", func(t *testing.T) {
		t.Parallel()
		const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		found := false
		for i := 0; i < len(alphabet) && !found; i++ {
			prefix := "27AAPFU0939F" + string(alphabet[i]) + "Z"
			c, err := verifier.GSTINCheckChar(prefix)
			require.NoError(t, err)
			if c == '0' {
				found = true
				assert.NoError(t, verifier.ValidateGSTIN(prefix+"0"))
			}
		}
		require.True(t, found, "no entity code gives check character 0; pick another prefix")
	})
}
