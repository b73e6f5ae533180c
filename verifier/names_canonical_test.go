package verifier_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestNamesCompareCanonicallyEquivalentText: a name written with
// precomposed letters (é, U+00E9) and the same name with a base letter and
// a combining mark (e + U+0301), as text copied from some systems and
// PDFs comes, are one text (Unicode canonical equivalence) and one name —
// in a registry comparison and in a sandbox certificate's binding. A
// letter without its mark is still another word.
func TestNamesCompareCanonicallyEquivalentText(t *testing.T) {
	t.Parallel()
	const (
		composed   = "Cl\u00ednica Jos\u00e9 Mar\u00eda Hospital"
		decomposed = "Cli\u0301nica Jose\u0301 Mari\u0301a Hospital"
		// ज़ (U+095B) and ज + nukta (U+091C U+093C).
		devanagariComposed   = "\u095Bीनत अस्पताल"
		devanagariDecomposed = "\u091C\u093Cीनत अस्पताल"
	)
	assert.True(t, verifier.SameName(composed, decomposed))
	assert.True(t, verifier.SameName(devanagariComposed, devanagariDecomposed))
	assert.Equal(t, verifier.NormalizeName(composed), verifier.NormalizeName(decomposed))
	app := &hcxonboard.Application{ParticipantName: composed, Roles: []hcxonboard.Role{hcxonboard.RoleHospital}}
	assert.True(t, verifier.CertifiedName(app, decomposed))

	assert.False(t, verifier.SameName(composed, "Clinica Jose Maria Hospital"))
	assert.False(t, verifier.SameName(devanagariComposed, "जीनत अस्पताल"))
}
