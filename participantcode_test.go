package hcxonboard_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
)

func TestIsParticipantCodeForm(t *testing.T) {
	t.Parallel()
	for _, code := range []string{
		"hosp_sanjee_123456@hcx", "1000001234@hcxtest", "payr-01@HCX-01", "abc", "pcpt01@HCX01", "IN2910000123@hfr",
		strings.Repeat("a", hcxonboard.MaxParticipantCodeLength),
	} {
		assert.True(t, hcxonboard.IsParticipantCodeForm(code), code)
	}
	for _, other := range []string{
		"", "@hcx", "x@", "9876543210", "+919876543210", "victim@elsewhere.example", "victim@mail_box.example.org",
		"a b@hcx", "State Health Assurance Society", "x@hcx@hcx", "x@hc_x", "kód@hcx",
		strings.Repeat("a", hcxonboard.MaxParticipantCodeLength+1),
	} {
		assert.False(t, hcxonboard.IsParticipantCodeForm(other), other)
	}
}
