package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/verifier"
)

// A category that does not ask for the registered e-mail may leave
// primary_email out; one it is given must still be an address, since the
// registry publishes it and the operator writes to it.
func TestPrimaryEmailGivenMustBeAnAddress(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	for _, name := range []string{"regulator_ready.json", "abdm_provider_ready.json", "rohini_provider_ready.json", "abdm_practitioner_ready.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := loadApp(t, name)
			rep, err := c.Verify(verifier.Offline(context.Background()), base)
			require.NoError(t, err)
			_, held := rep.Result(verifier.ReqRegisteredEmail)
			require.False(t, held, "the category does not ask for it")
			before := rep.Verdict

			for email, ok := range map[string]bool{"": true, "ops@hospital.example": true, "not-an-email": false, "ops@": false} {
				app := base.Clone()
				app.PrimaryEmail = email
				rep, err := c.Verify(verifier.Offline(context.Background()), app)
				require.NoError(t, err)
				res, held := rep.Result(verifier.ReqRegisteredEmail)
				if ok {
					assert.False(t, held, "%q is no finding", email)
					assert.Equal(t, before, rep.Verdict, email)
					continue
				}
				require.True(t, held, "%q is refused", email)
				assert.Equal(t, verifier.Invalid, res.Outcome)
				assert.Contains(t, res.Message, "primary_email")
				assert.Equal(t, verifier.VerdictInvalid, rep.Verdict)
			}
		})
	}
}
