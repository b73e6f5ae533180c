package verifier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/hfr"
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

// An address is shown beside the name — in registry search, to reviewers,
// in notices — so a direction override or isolate in any of its lines
// could make it read as another organisation's address: it is refused as
// one in the name is, naming the line and the character. Direction marks
// (U+200E, U+200F), which right-to-left text may carry, stay allowed.
func TestAddressesRefuseDirectionOverrides(t *testing.T) {
	t.Parallel()
	c := trustedChecker(t)
	for _, tt := range []struct {
		name  string
		set   func(a *hcxonboard.Address)
		field string // empty: accepted
		char  string
	}{
		{"override in the street", func(a *hcxonboard.Address) { a.Street = "12 \u202eDAOR GM" }, "address.street", "U+202E"},
		{"isolate in the landmark", func(a *hcxonboard.Address) { a.Landmark = "near \u2066City Hospital\u2069" }, "address.landmark", "U+2066"},
		{"embedding in the plot", func(a *hcxonboard.Address) { a.Plot = "\u202aPlot 4" }, "address.plot", "U+202A"},
		{"override in the village", func(a *hcxonboard.Address) { a.Village = "\u202dKoramangala" }, "address.village", "U+202D"},
		{"isolate in the district", func(a *hcxonboard.Address) { a.District = "\u2068Bengaluru" }, "address.district", "U+2068"},
		{"override in the state", func(a *hcxonboard.Address) { a.State = "Karnataka\u202c" }, "address.state", "U+202C"},
		{"isolate in the pincode", func(a *hcxonboard.Address) { a.Pincode = "\u2067560034" }, "address.pincode", "U+2067"},
		{"marks in right-to-left text", func(a *hcxonboard.Address) { a.Street = "شارع \u200fالملك\u200e 12" }, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, file := range []string{"payer_ready.json", "empanelled_provider_ready.json"} {
				app := loadApp(t, file)
				require.NotNil(t, app.Address, file)
				tt.set(app.Address)
				r, err := c.Verify(context.Background(), app)
				require.NoError(t, err)
				if tt.field == "" {
					assertResult(t, r, want{id: verifier.ReqParticipantName, outcome: verifier.Satisfied})
					continue
				}
				assertResult(t, r, want{id: verifier.ReqParticipantName, outcome: verifier.Invalid, msg: tt.char})
				res, _ := r.Result(verifier.ReqParticipantName)
				assert.Contains(t, res.Message, tt.field, file)
				assert.NotEqual(t, verifier.VerdictReady, r.Verdict, file)
			}
		})
	}
}

// A registry's name holding a direction override shows in another order
// than it is compared, so it never matches the applicant's: the look-up
// goes to a person, and the finding shows where the override is, so that
// the two sides cannot look alike on the reviewer's screen while they
// differ. The same name without one matches.
func TestRegistryNamesWithOverridesNeverMatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, registry string
		match          bool
	}{
		{"the same name", "Sunrise Multispeciality Hospital", true},
		{"an override between the words", "Sunrise Multispeciality \u202eHospital", false},
		{"reversed to read as the applicant's", "\u202elatipsoH ytilaicepsitluM esirnuS", false},
		{"an isolate around a word", "Sunrise \u2066Multispeciality\u2069 Hospital", false},
		{"a right-to-left mark", "Sunrise Multispeciality Hospital\u200f", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := facilityFunc(func(context.Context, string) (hfr.Facility, error) {
				return hfr.Facility{ID: "IN2910000123", Name: tt.registry, Status: "Verified", FacilityType: "Hospital", Pincode: "570001"}, nil
			})
			app := loadApp(t, "abdm_provider_ready.json")
			app.ParticipantName = "Sunrise Multispeciality Hospital"
			app.Address.Pincode = "570001"
			r, err := trustedChecker(t, verifier.WithFacilityRegistry(reg)).Verify(context.Background(), app)
			require.NoError(t, err)
			res, ok := r.Result(verifier.ReqHFRLookup)
			require.True(t, ok)
			assert.Equal(t, verifier.SameName(app.ParticipantName, tt.registry), tt.match)
			if tt.match {
				assert.Equal(t, verifier.Satisfied, res.Outcome, res.Message)
				return
			}
			assert.Equal(t, verifier.Pending, res.Outcome, res.Message)
			assert.Equal(t, verifier.TaskReview, res.Task)
			for _, f := range res.Findings {
				if f.Field == "name" {
					assert.False(t, f.Match)
					assert.Contains(t, f.Registry, "[U+")
					assert.False(t, strings.ContainsAny(f.Registry, "\u202e\u2066\u2069"), "%q", f.Registry)
				}
			}
			assert.False(t, strings.ContainsAny(res.Message, "\u202e\u2066\u2069"), "%q", res.Message)
		})
	}
}
