package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A professional's HPR ID is personal data, as a mobile number is: an HPR
// ID refused as malformed — a near miss of the real one, or another number
// the professional typed — is quoted masked in the error, in its
// RuleError's Value and in the report's message, as hfr quotes it.
func TestMalformedHPRIDIsQuotedMasked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, hidden, shown, problem string
	}{
		{"71-3012-4567-890", "3012-4567", "**-****-***7-890", "has 13 digits"},
		{"713012456789012", "30124567", "***********9012", "has 15 digits"},
		{"9876543210", "98765", "******3210", "has 10 digits"},
		{"kavita.sharma", "kavita", "*************", "add @hpr.abdm"},
		{"kavita.sharma@abdm", "kavita", "k************@abdm", "ends in @abdm"},
		{"kavita sharma@hpr.abdm", "kavita", "k************@hpr.abdm", "contains ' '"},
		{"71-3012-4567-8901x", "3012-4567", "**-****-****-8901x", "neither a 14-digit HPR number nor an HPR address"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := verifier.NormalizeHPRID(tt.in)
			re := assertRuleError(t, err, verifier.ErrInvalidHPRID, tt.problem)
			assert.NotContains(t, err.Error(), tt.hidden, "the error names the HPR ID in clear")
			assert.Contains(t, err.Error(), tt.shown, "the error names the HPR ID masked")
			assert.Equal(t, tt.shown, re.Value)

			app := &hcxonboard.Application{
				ParticipantName: "Dr. Kavita Sharma", Roles: []hcxonboard.Role{hcxonboard.RolePractitioner},
				Identifiers: hcxonboard.Identifiers{HPRID: tt.in},
			}
			rep, err := offlineChecker(t).Verify(context.Background(), app)
			require.NoError(t, err)
			res, ok := rep.Result(verifier.ReqHPRID)
			require.True(t, ok)
			assert.Equal(t, verifier.Invalid, res.Outcome)
			assert.NotContains(t, res.Message, tt.hidden, "the report names the HPR ID in clear")
			assert.Contains(t, res.Message, tt.shown)
		})
	}
}
