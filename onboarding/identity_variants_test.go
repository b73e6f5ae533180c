package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// TestIdentityVariantsAreOneIdentity: every spelling of a held identity
// that the checks accept — case, surrounding and Unicode spaces, the
// separators people type, leading zeros, a dotless i that upper-cases to
// I — is the held identity and refused; a spelling that would be another
// key (full-width digits, a zero-width space) is refused by the checks
// before anything is claimed. No spelling gets past both.
func TestIdentityVariantsAreOneIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	set := map[verifier.Category]func(ids *hcxonboard.Identifiers, v string){
		verifier.CategoryABDMProvider:     func(ids *hcxonboard.Identifiers, v string) { ids.HFRID = v },
		verifier.CategoryRohiniProvider:   func(ids *hcxonboard.Identifiers, v string) { ids.RohiniID = v },
		verifier.CategoryABDMPractitioner: func(ids *hcxonboard.Identifiers, v string) { ids.HPRID = v },
		verifier.CategoryPayer:            func(ids *hcxonboard.Identifiers, v string) { ids.IRDARegistrationNumber = v },
	}
	tests := []struct {
		category verifier.Category
		held     string
		variants []string
	}{
		{verifier.CategoryABDMProvider, abdmFacility, []string{"in2910000123", " IN2910000123 ", "ın2910000123", "IN2910000123\u00a0",
			"\u200bIN2910000123", "ＩＮ2910000123", "IN 2910000123", "IN-2910000123"}},
		{verifier.CategoryRohiniProvider, "", []string{"890-0080-336704", " 8900080336704", "890\u20130080336704", "890 0080 3367 04",
			"8900080336704\u200b", "８900080336704", "0008900080336704"}},
		{verifier.CategoryABDMPractitioner, hprNumber, []string{"71 1234 5678 9012", "71123456789012", "7112345678901 2",
			"71‐1234‐5678‐9012", "711234567890１2"}},
		{verifier.CategoryPayer, "7", []string{"007", "07", " 7 ", "٧", "7\u200b", "+7", "7.0"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.category), func(t *testing.T) {
			t.Parallel()
			svc := w.service(registry.NewMemoryStore())
			app := w.application(tt.category)
			if tt.held != "" {
				set[tt.category](&app.Identifiers, tt.held)
			}
			first, err := svc.Submit(ctx, app)
			require.NoError(t, err)
			require.NotEqual(t, registry.StageRejected, first.Stage, "reasons: %v", first.Reasons)
			for _, v := range tt.variants {
				again := w.application(tt.category)
				set[tt.category](&again.Identifiers, v)
				again.PrimaryEmail = "someone@else.example"
				got, err := svc.Submit(ctx, again)
				if err != nil {
					assert.ErrorIs(t, err, onboarding.ErrRefused, "%q", v)
					continue
				}
				assert.Equal(t, registry.StageRejected, got.Stage, "%q took a held identity: %v", v, got.Reasons)
				assert.Contains(t, strings.Join(got.Reasons, " "), "already registered with this HCX as participant "+first.Participant.ParticipantCode)
			}
		})
	}
}
