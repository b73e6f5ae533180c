package participant_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/readiness"
	rt "github.com/openhcx/hcxonboard/readiness/readinesstest"
)

// Anyone can send a challenge, and the refusal repeats the issuer it
// names, which the operator's report and the participant's logs show: its
// C1 controls and direction overrides become spaces, and it is cut on a
// character boundary.
func TestRefusalRepeatsOutsideTextSafely(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := claims()
	c.Issuer = "op\u009b8m\u202e" + strings.Repeat("क", 60) // 3 bytes each: 128 bytes falls inside one
	rec := postChallenge(f.h, signed(t, rt.NewOperator(9).Key, jwa.EdDSA, "kid", c))
	require.Equal(t, http.StatusUnauthorized, rec.Code, rec.Body.String())
	var eb readiness.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb))
	assert.Equal(t, readiness.CodeUnknownIssuer, eb.Error)
	assert.Contains(t, eb.Message, `the issuer "op 8m क`)
	assert.NotContains(t, eb.Message, "\u009b")
	assert.NotContains(t, eb.Message, "\u202e")
	assert.True(t, utf8.ValidString(eb.Message), "%q", eb.Message)
}
