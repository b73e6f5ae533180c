package verifier_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/verifier"
)

// A name is shown to other participants (registry search), to reviewers
// (the console) and in notices. Unicode's explicit direction embeddings,
// overrides and isolates make it show in another order than it is stored,
// so a name holding one could read as another organisation's: it is
// refused as a control character is. Names in right-to-left scripts, and
// the zero-width joiners Indic scripts need, need none of them and pass.
func TestNamesRefuseDirectionOverrides(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	for _, tt := range []struct {
		name, participant, admin string
		want                     want
		wantAdmin                verifier.Outcome
	}{
		{"override in the participant's name", "Suraksha \u202eecnarusnI", "Anita Rao",
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "U+202E"}, verifier.Pending},
		{"isolate in the participant's name", "Suraksha \u2067Insurance\u2069", "Anita Rao",
			want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: "U+2067"}, verifier.Pending},
		{"embedding in the admin's name", "Suraksha Insurance", "Anita \u202bRao\u202c",
			want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied}, verifier.Invalid},
		{"Urdu and Devanagari with a joiner", "سرکشا بیمہ कम्\u200dपनी", "انیتا راؤ",
			want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied}, verifier.Pending},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := loadApp(t, "payer_ready.json")
			app.ParticipantName = tt.participant
			app.SystemAdmin = &hcxonboard.Contact{Name: tt.admin, Email: app.SystemAdmin.Email, Mobile: app.SystemAdmin.Mobile}
			r, err := c.Verify(context.Background(), app)
			require.NoError(t, err)
			assertResult(t, r, tt.want)
			admin, ok := r.Result(verifier.ReqSystemAdminOTP)
			require.True(t, ok)
			assert.Equal(t, tt.wantAdmin, admin.Outcome, admin.Message)
		})
	}
}
