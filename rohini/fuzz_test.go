package rohini_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/openhcx/hcxonboard/rohini"
)

// FuzzValidate checks the invariants tying Validate, Normalize and
// CheckDigit together, and that none of them panics.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"8900080336704", "8900080123456", "", "890", " 890-0080-336704 ", "890\u00a00080336704",
		"89000803367O4", "890008033670４", "\xff\xfe", "8.90008E+12", "4006381333931",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := rohini.Validate(s)
		if err != nil {
			if !errors.Is(err, rohini.ErrInvalidID) {
				t.Fatalf("Validate(%q) = %v, not ErrInvalidID", s, err)
			}
		} else {
			if len(s) != rohini.IDLength || !strings.HasPrefix(s, rohini.Prefix) {
				t.Fatalf("Validate accepted %q", s)
			}
			c, cerr := rohini.CheckDigit(s[:12])
			if cerr != nil || c != s[12] {
				t.Fatalf("Validate accepted %q but CheckDigit says %c, %v", s, c, cerr)
			}
			if rohini.Normalize(s) != s {
				t.Fatalf("a valid id changed under Normalize: %q", s)
			}
		}

		n := rohini.Normalize(s)
		if rohini.Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q", s)
		}
		if len(n) > len(s) {
			t.Fatalf("Normalize grew %q to %q", s, n)
		}
		if !utf8.ValidString(s) {
			if n != s {
				t.Fatalf("Normalize changed invalid UTF-8 %q to %q", s, n)
			}
		} else {
			for _, r := range n {
				if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
					t.Fatalf("Normalize(%q) = %q keeps a separator", s, n)
				}
			}
		}

		// Changing the check digit of a valid id always invalidates it.
		if rohini.Validate(n) == nil {
			wrong := n[:12] + string('0'+(n[12]-'0'+1)%10)
			if rohini.Validate(wrong) == nil {
				t.Fatalf("both %q and %q valid", n, wrong)
			}
		}
	})
}
