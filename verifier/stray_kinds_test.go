package verifier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// The hint after a missing document names each kind it did not recognise
// once, and only a few of them: an application listing thousands of
// documents of made-up kinds (it may, within the size limit) gets a
// message a person can read, not one as long as the application.
func TestStrayDocumentKindsNamedOnceAndBounded(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, docs []hcxonboard.Document) verifier.Result {
		t.Helper()
		app := &hcxonboard.Application{ParticipantName: "Medilink Health TPA", Roles: []hcxonboard.Role{hcxonboard.RoleTPA}, Documents: docs}
		rep, err := offlineChecker(t).Verify(context.Background(), app)
		require.NoError(t, err)
		res, ok := rep.Result(verifier.ReqSignatoryLetter)
		require.True(t, ok)
		require.Equal(t, verifier.Missing, res.Outcome)
		return res
	}
	doc := func(kind string) hcxonboard.Document {
		return hcxonboard.Document{Kind: kind, URI: "https://docs.example/x.pdf", SHA256: strings.Repeat("ab", 32)}
	}

	t.Run("one kind many times", func(t *testing.T) {
		t.Parallel()
		docs := make([]hcxonboard.Document, 5000)
		for i := range docs {
			docs[i] = doc("signatory_leter")
		}
		res := check(t, docs)
		assert.Equal(t, 1, strings.Count(res.Message, `"signatory_leter"`), res.Message)
	})
	t.Run("many kinds", func(t *testing.T) {
		t.Parallel()
		docs := make([]hcxonboard.Document, 5000)
		for i := range docs {
			docs[i] = doc(fmt.Sprintf("kind_%04d", i))
		}
		res := check(t, docs)
		assert.Contains(t, res.Message, `"kind_0000"`, "the first stray kind is named")
		assert.NotContains(t, res.Message, `"kind_4999"`, "every stray kind is named")
		assert.Contains(t, res.Message, "more")
		assert.Less(t, len(res.Message), 2000, "the message is as long as the application")
	})
	t.Run("a few kinds all named", func(t *testing.T) {
		t.Parallel()
		res := check(t, []hcxonboard.Document{doc("authorised_signatory_letter"), doc("adress_proof"), doc("authorised_signatory_letter")})
		assert.Contains(t, res.Message, `document kinds not recognised: "authorised_signatory_letter", "adress_proof";`)
	})
}
