package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// TestPrivateLimitedAbbreviatedP checks "(P) Ltd" and "P. Ltd.", as
// Indian company names commonly abbreviate Private Limited: the same
// company as "Pvt Ltd", "Private Limited" or no legal form at all — a
// sandbox certificate in one spelling binds an application in another.
// A "P" that is not before Limited stays a word of the name.
func TestPrivateLimitedAbbreviatedP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"Deccan Textiles (P) Ltd", "Deccan Textiles Private Limited", true},
		{"Deccan Textiles (P) Ltd.", "Deccan Textiles Pvt. Ltd.", true},
		{"Lakeview Nursing Home P. Ltd.", "Lakeview Nursing Home", true},
		{"Sunrise Hospital (P) Limited", "SUNRISE HOSPITAL PVT LTD", true},

		{"Sunrise P Hospital", "Sunrise Private Hospital", false},
		{"Sunrise Hospital P", "Sunrise Hospital", false},
		{"Sunrise Hospital (P) Ltd", "Sunrise Clinic Private Limited", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.same, verifier.SameName(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
		assert.Equal(t, tt.same, verifier.SameName(tt.b, tt.a), "%q vs %q", tt.b, tt.a)
	}
	assert.Equal(t, "deccan textiles private limited", verifier.NormalizeName("Deccan Textiles (P) Ltd."))
}
