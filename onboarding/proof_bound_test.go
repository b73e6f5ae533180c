package onboarding_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestEmpanelmentProofNamesTheApplicant: a payer-signed proof issued for
// another facility (another licence) does not take this one forward; a
// bare empanelment id goes to the payer's approval.
func TestEmpanelmentProofNamesTheApplicant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore())

	other := w.application(verifier.CategoryEmpanelledProvider)
	other.Empanelment.Proof = w.proofFor(other.Empanelment.EmpanelmentID,
		map[string]any{"facility_licence": "KPME/BR/2020/9999", "jti": "proof-of-hospital-a"})
	_, err := svc.Submit(ctx, other)
	var refused *onboarding.RefusedError
	require.ErrorAs(t, err, &refused, "hospital A's proof does not carry hospital B")
	res, _ := refused.Report.Result(verifier.ReqEmpanelmentProof)
	assert.Equal(t, verifier.Invalid, res.Outcome)

	own := w.application(verifier.CategoryEmpanelledProvider)
	own.Empanelment.Proof = w.proof(own.Empanelment.EmpanelmentID)
	a, err := svc.Submit(ctx, own)
	require.NoError(t, err)
	assert.NotEqual(t, registry.StageRejected, a.Stage, "reasons: %v", a.Reasons)

	bare := w.application(verifier.CategoryEmpanelledProvider)
	b, err := svc.Submit(ctx, bare)
	require.NoError(t, err)
	require.Equal(t, registry.StageVerifying, b.Stage)
	approval := onlyTask(t, b, onboarding.KindApproval)
	assert.Equal(t, verifier.ReqPayerApproval, approval.Requirement)
	assert.Equal(t, payerCode, approval.Recipient)
}
