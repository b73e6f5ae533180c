package participant_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openhcx/hcxonboard/readiness"
)

// The challenge's typ is compared as RFC 7515 has typ values compared,
// as the operator compares the answer's: without regard to case, and
// with "application/" understood. Another media type, the answer's own
// among them, is refused.
func TestHandlerReadsTheChallengeTypAsRFC7515Does(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, typ := range []string{readiness.ChallengeType, "application/" + readiness.ChallengeType, "Application/" + strings.ToUpper(readiness.ChallengeType)} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			rec := postChallenge(f.h, retyped(t, f.op, claims(), typ))
			assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		})
	}
	for _, typ := range []string{"JWT", readiness.AnswerType, "application/" + readiness.AnswerType, "text/" + readiness.ChallengeType, "application/application/" + readiness.ChallengeType, ""} {
		t.Run("refused "+typ, func(t *testing.T) {
			t.Parallel()
			refusalOf(t, postChallenge(f.h, retyped(t, f.op, claims(), typ)), http.StatusBadRequest, readiness.CodeBadRequest)
		})
	}
}
