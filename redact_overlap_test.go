package hcxonboard_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

// A mobile number does not come out of RedactText in clear because an
// earlier, overlapping candidate (the "91" of a parenthesised country
// code, or a lone digit 6–9 before it) was found glued to the number's own
// digits and skipped.
func TestRedactTextFindsANumberAfterAnOverlappingCandidate(t *testing.T) {
	for _, in := range []string{
		"sms to (+91) 9876543210 failed",
		"sms to (91) 9876543210 failed",
		"row 7 9876543210 rejected",
		"attempt 6 9876543210: quota",
	} {
		got := hcxonboard.RedactText(in)
		if strings.Contains(got, "987654") {
			t.Errorf("RedactText(%q) = %q: the mobile number is in clear", in, got)
		}
	}
}

// RedactText's time grows with its input's length, not its square: a
// registry's error body of digits must not stall the log line. Compare
// the sizes' ns/op: 10× the input, about 10× the time.
//
//	go test -run '^$' -bench RedactTextDigitRun .
func BenchmarkRedactTextDigitRun(b *testing.B) {
	for _, n := range []int{20000, 200000} {
		s := strings.Repeat("9", n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				if hcxonboard.RedactText(s) != s {
					b.Fatal("a digit run is no mobile number")
				}
			}
		})
	}
}

// A number that runs into an address — "mobile/e-mail", as forms write
// them, the address's local part taking the number's last group — is
// masked whole, and the address from the number's end.
func TestRedactTextMasksANumberThatRunsIntoAnAddress(t *testing.T) {
	for in, want := range map[string]string{
		"Contact: 98765 43210/ravi@hospital.in":     "Contact: ***** *3210/****@hospital.in",
		"contact 98765 43210|ravi@hospital.in":      "contact ***** *3210|****@hospital.in",
		"Contact: +91 98765-43210/ravi@hospital.in": "Contact: +** *****-*3210/****@hospital.in",
	} {
		if got := hcxonboard.RedactText(in); got != want {
			t.Errorf("RedactText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMaskEmailHidesAOneCharacterLocalPart: keeping the first character
// of "a@hospital.example" would keep the whole address.
func TestMaskEmailHidesAOneCharacterLocalPart(t *testing.T) {
	t.Parallel()
	require.Equal(t, "*@hospital.example", hcxonboard.MaskEmail("a@hospital.example"))
	require.Equal(t, "a****@example.org", hcxonboard.MaskEmail("admin@example.org"))
}
