package hcxonboard_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
)

// A health professional's HPR number is personal data: masked in free
// text as a mobile number is, keeping its last four digits, in each form
// the registries write it; numbers that only contain fourteen digits
// somewhere are left alone.
func TestRedactTextMasksHPRNumbers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"HPR ID 71-1234-5678-9012 is suspended":     "HPR ID **-****-****-9012 is suspended",
		"plain 71123456789012 here":                 "plain **********9012 here",
		"spaced 71 1234 5678 9012.":                 "spaced ** **** **** 9012.",
		"(71-1234-5678-9012)":                       "(**-****-****-9012)",
		"mobile 98765 43210 and 71-1234-5678-9012":  "mobile ***** *3210 and **-****-****-9012",
		"71123456789012@hpr.abdm is its address":    "7*************@hpr.abdm is its address",
		"171-1234-5678-9012 is no HPR number":       "171-1234-5678-9012 is no HPR number",
		"a time in nanoseconds 1796684228573123456": "a time in nanoseconds 1796684228573123456",
		"ROHINI 8900080336704 and HFR IN2910000123": "ROHINI 8900080336704 and HFR IN2910000123",
		"an id A71123456789012 glued to letters":    "an id A71123456789012 glued to letters",
	} {
		assert.Equal(t, want, hcxonboard.RedactText(in), in)
	}
}
