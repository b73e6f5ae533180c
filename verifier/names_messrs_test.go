package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// "M/s" (Messrs) opens many an Indian firm's name as registries, GST
// certificates and letters write it, and is no part of the name: "M/s.
// Sunrise Hospital" is the Sunrise Hospital HFR lists without it. Initials
// that happen to be M and S ("M.S. Ramaiah", "MS Clinic") are the name.
func TestSameNameMessrs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"M/s Sunrise Hospital", "Sunrise Hospital", true},
		{"M/S. SUNRISE HOSPITAL PVT LTD", "Sunrise Hospital Private Limited", true},
		{"  m/s.Sunrise Hospital", "Sunrise Hospital", true},
		{"Messrs Sunrise Hospital", "Sunrise Hospital", true},
		{"Messrs. Sunrise Hospital", "M/s Sunrise Hospital", true},

		{"M.S. Ramaiah Memorial Hospital", "Ramaiah Memorial Hospital", false},
		{"MS Clinic", "Clinic", false},
		{"Sunrise Hospital M/s", "Sunrise Hospital", false},
		{"M/s", "", false},
	} {
		assert.Equal(t, tt.same, verifier.SameName(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
		assert.Equal(t, tt.same, verifier.SameName(tt.b, tt.a), "%q vs %q", tt.b, tt.a)
	}
	assert.Equal(t, "sunrise hospital", verifier.NormalizeName("M/s. Sunrise Hospital"))
	assert.Equal(t, "ms ramaiah memorial hospital", verifier.NormalizeName("M.S. Ramaiah Memorial Hospital"))
	for _, in := range []string{"the Messrs Sunrise", "Messrs Messrs Sunrise", "M/s M/s Sunrise", "M/s Messrs Sunrise", "Messrs"} {
		n := verifier.NormalizeName(in)
		assert.Equal(t, n, verifier.NormalizeName(n), "NormalizeName(%q) = %q is not stable", in, n)
	}
}
