package onboarding_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/hfr"
	"github.com/openhcx/hcxonboard/onboarding"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/verifier"
)

// overridingHFR is an HFR client whose record of the facility holds text
// that the checks refuse from an applicant: a direction override in one
// of its fields.
type overridingHFR struct {
	*hfr.Client
	edit func(f *hfr.Facility)
}

func (c overridingHFR) Facility(ctx context.Context, id string) (hfr.Facility, error) {
	f, err := c.Client.Facility(ctx, id)
	if c.edit != nil {
		c.edit(&f)
	}
	return f, err
}

// The facility writes its own HFR profile, so the consented fetch takes
// nothing from it that the checks would refuse from the applicant: a
// name or address line holding a text-direction override (which makes
// it show in another order than it is stored, so that it could read as
// another's) or a control character leaves the applicant's values, as a
// record that could not be read does. A record without one is taken.
func TestConsentedFetchRefusesDirectionOverrides(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		edit  func(f *hfr.Facility)
		taken bool
	}{
		{"override in the name", func(f *hfr.Facility) { f.Name = "Sanjeevani \u202eHospital" }, false},
		{"isolate in the address", func(f *hfr.Facility) { f.Address = "12 \u2066Sarjapur Road\u2069" }, false},
		{"control character in the name", func(f *hfr.Facility) { f.Name = "Sanjeevani\x1b[2J Hospital" }, false},
		{"a line break in the address is a space", func(f *hfr.Facility) { f.Address = "12 Sarjapur Road,\r\nKoramangala" }, true},
		{"override in the facility type", func(f *hfr.Facility) { f.FacilityType = "Hospital\u202e" }, false},
		{"a right-to-left mark is text", func(f *hfr.Facility) { f.Address = "12 Sarjapur Road \u200f" }, true},
		{"a clean record", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t)
			svc := w.service(registry.NewMemoryStore(), onboarding.WithFacilityOTP(overridingHFR{w.hfrCli, tt.edit}))
			a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMProvider))
			require.NoError(t, err)
			task := onlyTask(t, a, onboarding.KindOTP)
			code, ok := w.hfr.LastOTP(abdmFacility)
			require.True(t, ok)
			out, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
			require.NoError(t, err)
			if tt.taken {
				assert.Equal(t, onboarding.SourceHFR, out.Sources["address"])
				assert.False(t, strings.ContainsAny(out.Participant.Address.Street, "\r\n"), "%q", out.Participant.Address.Street)
				return
			}
			assert.Equal(t, onboarding.SourceApplicant, out.Sources["participant_name"])
			assert.Equal(t, onboarding.SourceApplicant, out.Sources["address"])
			assert.Equal(t, a.Participant.ParticipantName, out.Participant.ParticipantName)
			assert.Empty(t, out.FacilityType)
			for _, s := range []string{out.Participant.ParticipantName, out.Participant.Address.Street, out.Participant.Address.District} {
				assert.False(t, strings.ContainsAny(s, "\u202e\u2066\u2069\x1b"), "%q", s)
			}
		})
	}
}

// overridingHPR is an HPR authentication client whose profile's name
// holds a direction override.
type overridingHPR struct{ *hfr.Client }

func (c overridingHPR) ConfirmHPRAuth(ctx context.Context, txn hfr.HPRAuthTransaction, otp string) (hfr.Professional, error) {
	p, err := c.Client.ConfirmHPRAuth(ctx, txn, otp)
	p.Name = strings.Replace(p.Name, " ", " \u202e", 1)
	return p, err
}

// The same for the name HPR returns after the professional's
// authentication: one holding a direction override is not taken.
func TestHPRNameWithOverrideNotTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc := w.service(registry.NewMemoryStore(), onboarding.WithProfessionalAuth(overridingHPR{w.hfrCli}))
	a, err := svc.Submit(ctx, w.application(verifier.CategoryABDMPractitioner))
	require.NoError(t, err)
	task := onlyTask(t, a, onboarding.KindOTP)
	code, ok := w.hfr.LastHPROTP(hprNumber)
	require.True(t, ok)
	out, err := svc.ConfirmOTP(ctx, a.ID, task.ID, code)
	require.NoError(t, err)
	assert.NotContains(t, out.Participant.ParticipantName, "\u202e")
	assert.Equal(t, onboarding.SourceApplicant, out.Sources["participant_name"])
}
