package onboarding_test

import (
	"slices"
	"strings"
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
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version":1,"policies":[
	 {"category":"research","roles":["research"],"requirements":[
	   {"id":"sandbox_certificate"},{"id":"participant_name"},{"id":"mobile"},{"id":"registered_email"},
	   {"id":"signatory_letter","check":"document:board_resolution","description":"Board resolution naming the signatory"}]}]}`))
	require.NoError(t, err)
	w0 := newWorld(t)
	checker, err := verifier.New(verifier.WithPolicyFile(f), verifier.WithSandboxVerifier(w0.sandbox), verifier.WithClock(w0.clock.Now))
	require.NoError(t, err)
	kinds := slices.Concat(document.Kinds, verifier.DocumentKinds(checker.Policies()...))
	w := newDocWorld(t, []document.Option{document.WithKinds(kinds...)}, onboarding.WithVerifier(checker), onboarding.WithSandbox(w0.sandbox))

	res := documenttest.PDF(2048, "board resolution")
	app := &hcxonboard.Application{
		ApplicationID:   "research-2",
		ParticipantName: "Institute of Health Economics", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
		PrimaryEmail: "hcx@ihe.example", PrimaryMobile: "9000012001",
		SandboxCertificate: w0.certificate(hcxonboard.RoleResearch),
		Documents: []hcxonboard.Document{
			{Kind: "board_resolution", URI: "s3://ihe/board.pdf", SHA256: digest(res), MediaType: document.PDF},
		},
	}
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, verifier.Pending, requirement(t, a, "signatory_letter").Outcome,
		"the operator's board_resolution is held before signatory_letter is relied on")
	assert.Len(t, openOf(a, onboarding.KindUpload, "signatory_letter"), 1, "an upload task for the board resolution")
}
