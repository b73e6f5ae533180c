package onboarding_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/verifier"
)

// An operator's category that asks, under the guideline's requirement id
// signatory_letter, for a document of its own kind: the kind is its
// category's, so the operator's document is held before the requirement
// is relied on.
func TestOperatorKindUnderTheGuidelinesIDIsHeld(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w, app := researchDocWorld(t, `
	   {"id":"signatory_letter","check":"document:board_resolution","description":"Board resolution naming the signatory"}`)
	res := documenttest.PDF(2048, "board resolution")
	app.Documents = []hcxonboard.Document{
		{Kind: "board_resolution", URI: "s3://ihe/board.pdf", SHA256: digest(res), MediaType: document.PDF},
	}
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, verifier.Pending, requirement(t, a, "signatory_letter").Outcome,
		"the operator's board_resolution is held before signatory_letter is relied on")
	assert.Len(t, openOf(a, onboarding.KindUpload, "signatory_letter"), 1, "an upload task for the board resolution")
}
