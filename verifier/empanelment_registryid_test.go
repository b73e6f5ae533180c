package verifier_test

import (
	"context"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestProofNamingARegistryIDBindsOnlyThatFacility: a payer's proof that
// names its facility by an HFR or ROHINI id is that facility's. An
// applicant giving no such id cannot take it by copying the facility's
// name, pincode or licence number from the proof (all typed, none
// verified): the registry id is the one thing the operator verifies.
// Given alongside, the id binds it as before.
func TestProofNamingARegistryIDBindsOnlyThatFacility(t *testing.T) {
	t.Parallel()
	base := loadApp(t, "empanelled_provider_ready.json")
	tests := []struct {
		name   string
		claims map[string]any
		change func(a *hcxonboard.Application)
		policy *verifier.Policy
		want   verifier.Outcome
		msg    string
	}{
		{name: "HFR facility's proof, name and pincode copied", claims: map[string]any{"hfr_id": "IN2910000123", "facility_licence": nil},
			want: verifier.Invalid, msg: `hfr id: the payer's proof "IN2910000123"`},
		{name: "HFR facility's proof, licence copied too", claims: map[string]any{"hfr_id": "in2910000123"},
			want: verifier.Invalid, msg: "hfr id"},
		{name: "ROHINI hospital's proof, name and pincode copied", claims: map[string]any{"rohini_id": "8900080336704", "facility_licence": nil},
			want: verifier.Invalid, msg: `rohini id: the payer's proof "8900080336704"`},
		{name: "the ROHINI id given binds, the HFR id beside it need not be", claims: map[string]any{"rohini_id": "8900080336704", "hfr_id": "IN2910000123"},
			change: func(a *hcxonboard.Application) { a.Identifiers.RohiniID = "8900080336704" }, policy: rohiniWithPayerApproval(),
			want: verifier.Satisfied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := proofClaims(base)
			for k, v := range tt.claims {
				if v == nil {
					delete(c, k)
				} else {
					c[k] = v
				}
			}
			app := loadApp(t, "empanelled_provider_ready.json")
			app.Empanelment.Proof = signProof(t, payerKey(), jwa.EdDSA, verifier.EmpanelmentProofType, c)
			if tt.change != nil {
				tt.change(app)
			}
			opts := []verifier.Option{verifier.WithPayerDirectory(verifier.StaticPayerDirectory{testPayerCode: payerKey().Public()})}
			if tt.policy != nil {
				opts = append(opts, verifier.WithPolicy(*tt.policy))
			}
			r, err := trustedChecker(t, opts...).Verify(context.Background(), app)
			require.NoError(t, err)
			res, ok := r.Result(verifier.ReqPayerApproval)
			require.True(t, ok)
			assert.Equal(t, tt.want, res.Outcome, res.Message)
			assert.Contains(t, res.Message, tt.msg)
			if tt.want == verifier.Invalid {
				assert.Empty(t, res.Claims, "a refused proof is not consumed")
				if tt.policy == nil {
					proof, _ := r.Result(verifier.ReqEmpanelmentProof)
					assert.Equal(t, verifier.Invalid, proof.Outcome, proof.Message)
				}
			}
		})
	}
}
