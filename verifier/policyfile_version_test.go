package verifier_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/verifier"
)

// A file of another version is told apart (ErrPolicyFileVersion) from
// one that is malformed, so that a tool can say "update me".
func TestPolicyFileVersionError(t *testing.T) {
	t.Parallel()
	_, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 2, "policies": []}`))
	assert.ErrorIs(t, err, verifier.ErrPolicyFileVersion)
	assert.EqualError(t, err, "verifier: policy file: version 2; this library reads version 1")
	for _, f := range []string{`{"policies": []}`, `{"version": 1, "policies": [], "x": 1}`, `{"version": 1, "policies": [{"category": "tpa"}]}`} {
		_, err := verifier.ParsePolicyFile(strings.NewReader(f))
		assert.Error(t, err, f)
		assert.NotErrorIs(t, err, verifier.ErrPolicyFileVersion, f)
	}
	assert.NoError(t, (&verifier.PolicyFile{Version: verifier.PolicyFileVersion}).Validate())
}
