package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A document of a kind the operator's policy asks for is not a stray
// kind: the hint after a missing document names only kinds that no
// policy of the Checker asks for (a misspelling), and lists the kinds the
// operator takes, its own among them.
func TestMissingDocumentHintKnowsOperatorKinds(t *testing.T) {
	t.Parallel()
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version": 1, "policies": [
	  {"category": "research", "roles": ["research"], "requirements": [
	    {"id": "ethics_approval", "check": "document:ethics_approval", "description": "Approval of an ethics committee"},
	    {"id": "data_agreement", "check": "document:data_agreement", "description": "Data use agreement"}]}]}`))
	require.NoError(t, err)
	c, err := verifier.New(verifier.WithPolicyFile(f))
	require.NoError(t, err)
	doc := func(kind string) hcxonboard.Document {
		return hcxonboard.Document{Kind: kind, URI: "https://ihe.example/" + kind + ".pdf",
			SHA256: "439eea3d0664c5a76231ab64aabfc68476b1b363838bde262277c9a21b844cb2"}
	}
	app := &hcxonboard.Application{ParticipantName: "IHE", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
		Documents: []hcxonboard.Document{doc("ethics_approval")}}
	r, err := c.Verify(context.Background(), app)
	require.NoError(t, err)
	res, ok := r.Result("ethics_approval")
	require.True(t, ok)
	assert.Equal(t, verifier.Satisfied, res.Outcome)
	res, ok = r.Result("data_agreement")
	require.True(t, ok)
	assert.Equal(t, verifier.Missing, res.Outcome)
	assert.Equal(t, "Attach the data use agreement: a document of kind data_agreement with its uri and sha256", res.Message,
		"ethics_approval is a kind this operator asks for, not a misspelling")

	// A misspelt kind is still named, and the kinds listed include the
	// operator's.
	app.Documents = append(app.Documents, doc("data_agrement"))
	r, err = c.Verify(context.Background(), app)
	require.NoError(t, err)
	res, _ = r.Result("data_agreement")
	assert.Equal(t, verifier.Missing, res.Outcome)
	assert.Contains(t, res.Message, `document kinds not recognised: "data_agrement"`)
	assert.NotContains(t, res.Message, `"ethics_approval"`)
	assert.Contains(t, res.Message, "ethics_approval, data_agreement")
	assert.Contains(t, res.Message, hcxonboard.DocSignatoryLetter)
}
