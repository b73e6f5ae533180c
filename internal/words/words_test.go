package words

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Second:                "1 second",
		500 * time.Millisecond:     "1 second",
		90 * time.Second:           "90 seconds",
		time.Minute:                "1 minute",
		10 * time.Minute:           "10 minutes",
		90 * time.Minute:           "90 minutes",
		time.Hour:                  "1 hour",
		time.Hour + 30*time.Second: "61 minutes",
		24 * time.Hour:             "24 hours",
		48 * time.Hour:             "2 days",
		30 * 24 * time.Hour:        "30 days",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
