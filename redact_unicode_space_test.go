package hcxonboard_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
)

// Text copied from a web page, a PDF or a word processor groups digits
// with a no-break space (U+00A0), a narrow no-break space (U+202F) or a
// thin space (U+2009) rather than a plain one. A mobile or HPR number so
// written is a person's all the same, and is masked as one written with
// plain spaces is, and so is one whose hyphens a word processor made
// dashes; an identifier glued to letters still is not.
func TestRedactTextNumbersGroupedByUnicodeSpaces(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"sms to 98765\u00a043210 failed", "sms to *****\u00a0*3210 failed"},
		{"sms to +91\u00a098765\u00a043210 failed", "sms to +**\u00a0*****\u00a0*3210 failed"},
		{"sms to 98765\u202f43210 failed", "sms to *****\u202f*3210 failed"},
		{"sms to 98765\u200943210 failed", "sms to *****\u2009*3210 failed"},
		{"hpr 71\u00a01234\u00a05678\u00a09012 suspended", "hpr **\u00a0****\u00a0****\u00a09012 suspended"},
		{"id X98765\u00a043210", "id X98765\u00a043210"},
		{"sms to 98765 43210 failed", "sms to ***** *3210 failed"},
		// A word processor's dashes for hyphens.
		{"sms to 98765\u201343210 failed", "sms to *****\u2013*3210 failed"},
		{"sms to +91\u201198765\u201143210 failed", "sms to +**\u2011*****\u2011*3210 failed"},
		{"hpr 71\u20131234\u20135678\u20139012 suspended", "hpr **\u2013****\u2013****\u20139012 suspended"},
	} {
		assert.Equal(t, tc.want, hcxonboard.RedactText(tc.in), "%q", tc.in)
	}
}
