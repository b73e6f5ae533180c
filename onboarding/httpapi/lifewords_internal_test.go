package httpapi

import (
	"testing"
	"time"
)

// The applicant token's lifetime is said in words a person reads, in the
// right number: "1 hour", never "1 hours" or a Go duration such as
// "1h30m0s".
func TestApplicantTokenLifetimeInWords(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour:                  "1 hour",
		2 * time.Hour:              "2 hours",
		24 * time.Hour:             "24 hours",
		48 * time.Hour:             "2 days",
		30 * 24 * time.Hour:        "30 days",
		90 * time.Minute:           "90 minutes",
		time.Hour + 30*time.Second: "61 minutes",
	} {
		if got := lifeWords(d); got != want {
			t.Errorf("lifeWords(%v) = %q, want %q", d, got, want)
		}
	}
}
