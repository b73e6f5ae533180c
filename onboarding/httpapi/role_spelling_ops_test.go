package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/onboarding/credential"
	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Under a profile that writes a role in its own spelling, every search
// operator on roles must read that spelling: a client that sees
// "roles":["payor"] (platform) or ["10002"] (NHCX) in a record must find
// the record by contains/startsWith/endsWith/between/gte on what it sees,
// and must not get it back from notContains on what it sees.
func TestRoleSpellingsUnderEveryOperator(t *testing.T) {
	cases := []struct {
		profile credential.Profile
		role    string // the payer's role as the profile's records write it
	}{
		{credential.ProfilePlatform, "payor"},
		{credential.ProfileNHCX, "10002"},
	}
	for _, tc := range cases {
		t.Run(string(tc.profile), func(t *testing.T) {
			f := newFixture(t, httpapi.WithProfile(tc.profile))
			creds, _ := f.livePayer()
			reg, _ := f.live("Insurance Regulatory Authority")
			search := func(cond string) []string {
				codes, roles := roleSearch(t, f, cond)
				if r, ok := roles[creds.ParticipantCode]; ok {
					require.Equal(t, []string{tc.role}, r, "the record's spelling")
				}
				return codes
			}
			payer, other := []string{creds.ParticipantCode}, []string{reg.Participant.ParticipantCode}
			q := func(op string) string { return `{"` + op + `":"` + tc.role + `"}` }
			assert.Equal(t, payer, search(q("eq")), "eq")
			assert.Equal(t, other, search(q("neq")), "neq")
			assert.Equal(t, payer, search(q("contains")), "contains")
			assert.Equal(t, payer, search(q("startsWith")), "startsWith")
			assert.Equal(t, payer, search(q("endsWith")), "endsWith")
			assert.Equal(t, other, search(q("notContains")), "notContains")
			assert.Equal(t, other, search(q("notStartsWith")), "notStartsWith")
			assert.Equal(t, payer, search(`{"between":["`+tc.role+`","`+tc.role+`"]}`), "between")
			// What this library's spelling alone reads is read as ever.
			assert.ElementsMatch(t, append(payer, other...), search(`{"notContains":"provider"}`), "notContains provider")
			assert.Equal(t, payer, search(`{"contains":"PAY"}`), "contains PAY")
			// A negative operator that would exclude several roles by
			// their other spellings cannot be one condition.
			res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
				body: `{"filters":{"roles":{"notStartsWith":"1000"}}}`})
			assert.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
			assert.Contains(t, string(res.body), "search with or")
		})
	}
}

// roleSearch searches the specification's route by a condition on roles
// and answers the codes found, in order, and each one's roles as its
// record writes them.
func roleSearch(t *testing.T, f *fixture, cond string) ([]string, map[string][]string) {
	t.Helper()
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
		body: `{"filters":{"roles":` + cond + `}}`})
	require.Equal(t, http.StatusOK, res.status, "%s", res.body)
	var ans struct {
		Participants []struct {
			Code  string   `json:"participant_code"`
			Roles []string `json:"roles"`
		} `json:"participants"`
	}
	require.NoError(t, json.Unmarshal(res.body, &ans))
	var codes []string
	roles := make(map[string][]string)
	for _, p := range ans.Participants {
		codes = append(codes, p.Code)
		roles[p.Code] = p.Roles
	}
	return codes, roles
}

// A negative operator whose other spellings exclude one role more than
// this library's spelling does is read as itself and a neq of that role:
// under the platform profile "payor", "agency.regulator" and
// "agency.sponsor" all end with "or", and notEndsWith "or" leaves out all
// three, as a client reading those records expects. One that would leave
// out several more roles by their other spellings is still refused.
func TestRoleNegativeOperatorOneMoreRole(t *testing.T) {
	t.Parallel()
	hosp := liveRecord(t, "hosp_cityho_000002@hcx", "City Hospital", hcxonboard.RoleHospital)
	payer := liveRecord(t, "payr_suraks_000004@hcx", "Suraksha Insurance", hcxonboard.RolePayer)
	reg := liveRecord(t, "agen_irda_000005@hcx", "Insurance Regulator", hcxonboard.RoleRegulator)
	tpa := liveRecord(t, "agen_medias_000006@hcx", "MediAssist TPA", hcxonboard.RoleTPA)
	for _, profile := range []credential.Profile{credential.ProfilePlatform, credential.ProfileSpec} {
		s := newSeeded(t, []*hcxonboard.Participant{hosp, payer, reg, tpa}, httpapi.WithProfile(profile))
		search := func(cond string) response {
			return s.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
				body: `{"filters":{"roles":` + cond + `}}`})
		}
		codes := func(res response) []string {
			require.Equal(t, http.StatusOK, res.status, "%s: %s", profile, res.body)
			var a specAnswer
			res.decode(t, &a)
			out := codesOf(a)
			slices.Sort(out)
			return out
		}
		assert.Equal(t, []string{tpa.ParticipantCode, hosp.ParticipantCode}, codes(search(`{"notEndsWith":"or"}`)), profile)
		assert.Equal(t, []string{tpa.ParticipantCode, hosp.ParticipantCode}, codes(search(`{"notEndsWith":"or","neq":"payor"}`)), profile)
		// Another neq already holds the one condition that could.
		res := search(`{"notEndsWith":"or","neq":"agency.tpa"}`)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", profile, res.body)
		// 10001 ends with "1" and stands for six roles: no one condition.
		res = search(`{"notEndsWith":"1"}`)
		assert.Equal(t, http.StatusBadRequest, res.status, "%s: %s", profile, res.body)
		assert.Contains(t, string(res.body), "search with or", profile)
	}
}
