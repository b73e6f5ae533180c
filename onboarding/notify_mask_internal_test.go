package onboarding

import (
	"strings"
	"testing"
)

// Every spelling of a mobile number the engine reads as one
// (verifier.NormalizeMobile) is masked, parentheses and dots included;
// participant codes and the named addresses are not.
func TestMaskAddressMasksEveryMobileSpelling(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"(98765) 43210", "+91 (98765) 43210", "98765.43210", "0091 98765 43210", "9876543210"} {
		got := maskAddress(in)
		if strings.Contains(got, "98765") {
			t.Errorf("maskAddress(%q) = %q: the number shows", in, got)
		}
		if !strings.HasSuffix(got, "3210") {
			t.Errorf("maskAddress(%q) = %q: want its last four digits kept", in, got)
		}
	}
	for _, in := range []string{"hosp_rakshi_012345@hcx01", "481516234200@hcx", "IN2910000123@hfr", Broadcast, Staff} {
		if got := maskAddress(in); got != in {
			t.Errorf("maskAddress(%q) = %q, want it as it is", in, got)
		}
	}
}
