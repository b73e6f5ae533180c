package sandbox

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
)

func TestCertificateKind(t *testing.T) {
	t.Parallel()
	provider := hcxonboard.RoleProvider
	good := newTestIssuer(t, "sbx-good", "ed25519")
	v := newTestVerifier(t, WithTrustList(trustListOf(t, trusted(t, good, provider))))
	ctx := context.Background()

	t.Run("absent means participant", func(t *testing.T) {
		c := baseClaims(provider)
		c.Solution = nil
		cert, err := v.Verify(ctx, issue(t, good, c), []hcxonboard.Role{provider})
		require.NoError(t, err)
		assert.Equal(t, KindParticipant, cert.Kind)
	})
	t.Run("solution round-trips", func(t *testing.T) {
		c := baseClaims(provider)
		c.Kind = KindSolution
		cert, err := v.Verify(ctx, issue(t, good, c), []hcxonboard.Role{provider})
		require.NoError(t, err)
		assert.Equal(t, KindSolution, cert.Kind)
		assert.Equal(t, "HMS", cert.Solution.Name)
	})
	t.Run("issuer refuses a solution without a solution", func(t *testing.T) {
		c := baseClaims(provider)
		c.Kind, c.Solution = KindSolution, nil
		_, err := good.Issue(c)
		require.ErrorIs(t, err, ErrInvalidClaims)
	})
	t.Run("issuer refuses an unknown kind", func(t *testing.T) {
		c := baseClaims(provider)
		c.Kind = "hospital"
		_, err := good.Issue(c)
		require.ErrorIs(t, err, ErrInvalidClaims)
	})

	signed := func(mutate func(map[string]any)) string {
		return craft(headerJSON(t, "EdDSA", good.KeyID(), nil), payloadJSON(t, "sbx-good", mutate), ed25519Signer("ed25519"))
	}
	for name, mutate := range map[string]func(map[string]any){
		"unknown kind":               func(m map[string]any) { m["hcx_cert_kind"] = "vendor" },
		"kind of another type":       func(m map[string]any) { m["hcx_cert_kind"] = 1 },
		"solution kind, no solution": func(m map[string]any) { m["hcx_cert_kind"] = "solution" },
		"kind spelled in capitals":   func(m map[string]any) { m["HCX_CERT_KIND"] = "solution" },
	} {
		t.Run("verifier refuses "+name, func(t *testing.T) {
			_, err := v.Verify(ctx, signed(mutate), []hcxonboard.Role{provider})
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
	t.Run("verifier accepts an explicit participant kind", func(t *testing.T) {
		cert, err := v.Verify(ctx, signed(func(m map[string]any) { m["hcx_cert_kind"] = "participant" }), []hcxonboard.Role{provider})
		require.NoError(t, err)
		assert.Equal(t, KindParticipant, cert.Kind)
	})
}
