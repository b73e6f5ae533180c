package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// TestLegalFormsSpelledOut: "Limited Liability Partnership" is the LLP and
// "(OPC) Private Limited" the one person company its initials write, so a
// name with the legal form spelled out and one with its initials — or
// without it, as registries list names — are one name. The words stay
// words anywhere else in a name.
func TestLegalFormsSpelledOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"Sunrise Diagnostics LLP", "Sunrise Diagnostics Limited Liability Partnership", true},
		{"Sunrise Diagnostics Limited Liability Partnership", "SUNRISE DIAGNOSTICS", true},
		{"Sunrise Diagnostics (OPC) Pvt Ltd", "Sunrise Diagnostics One Person Company Private Limited", true},

		{"Partnership Diagnostics LLP", "Liability Diagnostics LLP", false},
		{"Sunrise Liability Partnership", "Sunrise", false},
		{"Sunrise Diagnostics LLP", "Sunrise Diagnostics Partnership", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.same, verifier.SameName(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
		assert.Equal(t, tt.same, verifier.SameName(tt.b, tt.a), "%q vs %q", tt.b, tt.a)
	}
}
