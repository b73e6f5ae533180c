package onboarding_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// A document requirement an operator's policy adds ("document:<kind>") is
// held like the guideline's: the reference waits on an upload, and the
// document, once held, is read by staff — for a kind of the operator's
// own by default, for a kind of the contract as WithDocumentReview says.
func TestOperatorDocumentRequirementIsHeldAndRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w, app := researchDocWorld(t, `
	   {"id":"ethics_approval","check":"document:ethics_approval","description":"Approval of an institutional ethics committee"},
	   {"id":"data_licence","check":"document:irda_licence","description":"Copy of the IRDAI certificate of registration"}`)
	assert.Contains(t, w.svc.DocumentKinds(), "ethics_approval")

	ethics := documenttest.PDF(2048, "ethics committee approval")
	licence := documenttest.PDF(2048, "IRDAI certificate")
	app.Documents = []hcxonboard.Document{
		{Kind: "ethics_approval", URI: "s3://ihe/ethics.pdf", SHA256: digest(ethics), MediaType: document.PDF},
		{Kind: hcxonboard.DocIRDALicence, URI: "s3://ihe/irdai.pdf", SHA256: digest(licence), MediaType: document.PDF},
	}
	a, err := w.svc.Submit(ctx, app)
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, a.Stage)
	assert.Equal(t, verifier.Pending, requirement(t, a, "ethics_approval").Outcome)
	up := openOf(a, onboarding.KindUpload, "ethics_approval")
	require.Len(t, up, 1)
	assert.Equal(t, "ethics_approval", up[0].DocumentKind)
	require.Len(t, openOf(a, onboarding.KindUpload, "data_licence"), 1)

	_, err = w.svc.UploadDocument(ctx, a.ID, "ethics_approval", "", bytes.NewReader(ethics), "applicant")
	require.NoError(t, err)
	_, err = w.svc.UploadDocument(ctx, a.ID, hcxonboard.DocIRDALicence, "", bytes.NewReader(licence), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, "ethics_approval")
	require.Len(t, reviews, 1, "an operator's own kind is read by staff")
	assert.Equal(t, "ethics_approval", reviews[0].DocumentKind)
	assert.Empty(t, openOf(a, onboarding.KindReview, "data_licence"), "the IRDA licence is held, not read, by default")
	assert.Empty(t, openOf(a, onboarding.KindUpload, "data_licence"))

	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:asha", reviews[0].Document))
	a, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "signed by the committee"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)

	// A kind neither the contract's nor the store's is refused.
	_, err = onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("x"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithDocuments(w.docs), onboarding.WithDocumentReview("selfie"))
	require.ErrorIs(t, err, onboarding.ErrInvalidOption)
	_, err = onboarding.New(registry.NewMemoryStore(), onboarding.WithInstanceCode("x"), onboarding.WithNotifier(w.notes),
		onboarding.WithOTPKey(otpKey), onboarding.WithDocuments(w.docs), onboarding.WithDocumentReview("ethics_approval"))
	require.NoError(t, err, "a kind the store takes")
}

// researchDocWorld is an engine holding documents whose policy adds the
// category research, with the guideline's basic requirements and those
// given (policy file JSON, after a comma), and whose document store takes
// the kinds they ask for; app is a research application for it, without
// documents.
func researchDocWorld(t *testing.T, requirements string) (*docWorld, *hcxonboard.Application) {
	t.Helper()
	f, err := verifier.ParsePolicyFile(strings.NewReader(`{"version":1,"policies":[
	 {"category":"research","roles":["research"],"requirements":[
	   {"id":"sandbox_certificate"},{"id":"participant_name"},{"id":"mobile"},{"id":"registered_email"},` + requirements + `]}]}`))
	require.NoError(t, err)
	w0 := newWorld(t)
	checker, err := verifier.New(verifier.WithPolicyFile(f), verifier.WithSandboxVerifier(w0.sandbox), verifier.WithClock(w0.clock.Now))
	require.NoError(t, err)
	kinds := slices.Concat(document.Kinds, verifier.DocumentKinds(checker.Policies()...))
	w := newDocWorld(t, []document.Option{document.WithKinds(kinds...)}, onboarding.WithVerifier(checker), onboarding.WithSandbox(w0.sandbox))
	return w, &hcxonboard.Application{
		ApplicationID:   fmt.Sprintf("research-%d", appSeq.Add(1)),
		ParticipantName: "Institute of Health Economics", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
		PrimaryEmail: "hcx@ihe.example", PrimaryMobile: "9000012001",
		SandboxCertificate: w0.certificate(hcxonboard.RoleResearch),
	}
}

// A requirement built in code on verifier.RequireDocument, without naming
// its kind (Requirement.Document), as the verifier's Example writes one,
// is held too: its results name the kind they checked.
func TestRequireDocumentInCodeIsHeldBeforeItCounts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w0 := newWorld(t)
	research := verifier.DefaultPolicies()[verifier.CategoryRegulator].Without(verifier.ReqCaseReview).With(
		verifier.Requirement{ID: "ethics_approval", Description: "Approval of an institutional ethics committee",
			Check: verifier.RequireDocument("ethics_approval", "approval of your institutional ethics committee")})
	research.Category = "research"
	resolver := verifier.ByRole(func(role hcxonboard.Role, app *hcxonboard.Application) ([]verifier.Category, error) {
		if role == hcxonboard.RoleResearch {
			return []verifier.Category{"research"}, nil
		}
		return verifier.ResolveRole(role, app)
	})
	checker, err := verifier.New(verifier.WithPolicy(research), verifier.WithResolver(resolver),
		verifier.WithSandboxVerifier(w0.sandbox), verifier.WithClock(w0.clock.Now))
	require.NoError(t, err)
	w := newDocWorld(t, []document.Option{document.WithKinds(slices.Concat(document.Kinds, []string{"ethics_approval"})...)},
		onboarding.WithVerifier(checker), onboarding.WithSandbox(w0.sandbox))
	ethics := documenttest.PDF(2048, "ethics committee approval")
	a, err := w.svc.Submit(ctx, &hcxonboard.Application{ApplicationID: fmt.Sprintf("research-%d", appSeq.Add(1)),
		ParticipantName: "Institute of Health Economics", Roles: []hcxonboard.Role{hcxonboard.RoleResearch},
		PrimaryEmail: "hcx@ihe.example", PrimaryMobile: "9000012001", SandboxCertificate: w0.certificate(hcxonboard.RoleResearch),
		Documents: []hcxonboard.Document{{Kind: "ethics_approval", URI: "s3://ihe/e.pdf", SHA256: digest(ethics), MediaType: document.PDF}}})
	require.NoError(t, err)
	assert.Equal(t, registry.StageVerifying, a.Stage, "a bare reference settles nothing")
	res := requirement(t, a, "ethics_approval")
	assert.Equal(t, verifier.Pending, res.Outcome)
	assert.Equal(t, "ethics_approval", res.Document)
	up := openOf(a, onboarding.KindUpload, "ethics_approval")
	require.Len(t, up, 1)
	assert.Equal(t, "ethics_approval", up[0].DocumentKind)

	_, err = w.svc.UploadDocument(ctx, a.ID, "ethics_approval", "", bytes.NewReader(ethics), "applicant")
	require.NoError(t, err)
	a, err = w.svc.Application(ctx, a.ID)
	require.NoError(t, err)
	reviews := openOf(a, onboarding.KindReview, "ethics_approval")
	require.Len(t, reviews, 1, "an operator's own kind is read by staff")
	require.NoError(t, w.svc.RecordDocumentView(ctx, a.ID, "staff:asha", reviews[0].Document))
	a, err = w.svc.Decide(ctx, a.ID, reviews[0].ID, onboarding.Decision{Approve: true, Reviewer: "staff:asha", Reason: "signed by the committee"})
	require.NoError(t, err)
	assert.Equal(t, registry.StageDetails, a.Stage)
}
