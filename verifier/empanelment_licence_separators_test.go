package verifier_test

import (
	"context"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// TestEmpanelmentLicenceSeparators: a payer that writes the facility's
// licence number with hyphens or dots where the application has slashes
// (KPME-BR-2020-0311 for KPME/BR/2020/0311) names the same licence — the
// separators people and systems type differ, the parts do not. A licence
// whose parts differ, however its separators sit, names another facility.
func TestEmpanelmentLicenceSeparators(t *testing.T) {
	t.Parallel()
	base := loadApp(t, "empanelled_provider_ready.json")
	require.Equal(t, "KPME/BR/2020/0311", base.Identifiers.FacilityLicence.Number)
	for _, tc := range []struct {
		licence string
		bound   bool
	}{
		{"KPME-BR-2020-0311", true},
		{"kpme.br.2020.0311", true},
		{"KPME / BR / 2020 / 0311", true},
		{"KPME/BR//2020/0311", true},

		{"KPME/BR/2020/0312", false},
		{"KPME/BR/202/00311", false},
		{"KPMEBR/2020/0311", false},
	} {
		c := proofClaims(base)
		delete(c, "participant_name")
		delete(c, "pincode")
		c["facility_licence"] = tc.licence
		app := loadApp(t, "empanelled_provider_ready.json")
		app.Empanelment.Proof = signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, c)
		r, err := trustedChecker(t, verifier.WithPayerDirectory(verifier.StaticPayerDirectory{testPayerCode: payerKey().Public()})).
			Verify(context.Background(), app)
		require.NoError(t, err)
		w := want{id: verifier.ReqPayerApproval, outcome: verifier.Satisfied}
		if !tc.bound {
			w.outcome, w.msg = verifier.Invalid, "names another facility — facility licence"
		}
		t.Run(tc.licence, func(t *testing.T) { assertResult(t, r, w) })
	}
}
