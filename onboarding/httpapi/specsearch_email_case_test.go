package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/registry"
)

// A participant that registered its e-mail with capitals is found by a
// search for the e-mail as it registered it: the engine keeps e-mails in
// lower case, and an e-mail names the same mailbox in any case. The
// e-mail of another participant still finds nothing of it.
func TestSpecSearchFindsTheEmailAsRegistered(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := f.regulator("Capital Regulator")
	app.PrimaryEmail = "HCX.Desk@Capital-Regulator.Example"
	a, _ := f.submit(app)
	a = f.approveReview(a)
	require.Equal(t, registry.StageDetails, a.Stage)
	code := a.Participant.ParticipantCode

	search := func(body string) []string {
		t.Helper()
		res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth, body: body})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", body, res.body)
		var ans struct {
			Participants []struct {
				Code string `json:"participant_code"`
			} `json:"participants"`
		}
		res.decode(t, &ans)
		out := []string{}
		for _, p := range ans.Participants {
			out = append(out, p.Code)
		}
		return out
	}
	for _, body := range []string{
		`{"filters":{"primary_email":{"eq":"HCX.Desk@Capital-Regulator.Example"}}}`,
		`{"filters":{"primary_email":{"eq":"hcx.desk@capital-regulator.example"}}}`,
		`{"filters":{"primary_email":{"or":["nobody@x.example","HCX.DESK@CAPITAL-REGULATOR.EXAMPLE"]}}}`,
	} {
		assert.Equal(t, []string{code}, search(body), body)
	}
	// An or list as long as the registry takes, with no room for both
	// spellings, is read in the engine's; one longer is refused as before.
	full := make([]string, registry.MaxQueryValues)
	for i := range full {
		full[i] = fmt.Sprintf("Nobody%d@X.example", i)
	}
	full[len(full)-1] = "HCX.Desk@Capital-Regulator.Example"
	list, err := json.Marshal(full)
	require.NoError(t, err)
	assert.Equal(t, []string{code}, search(`{"filters":{"primary_email":{"or":`+string(list)+`}}}`), "a full or list")
	list, err = json.Marshal(append(full, "One@More.example"))
	require.NoError(t, err)
	res := f.do(request{method: http.MethodPost, path: "/v0.9/participant/search", auth: staffAuth,
		body: `{"filters":{"primary_email":{"or":` + string(list) + `}}}`})
	require.Equal(t, http.StatusBadRequest, res.status, "%s", res.body)
	assert.Contains(t, res.envelope(t).Error.Message, fmt.Sprint(registry.MaxQueryValues+1))

	for _, body := range []string{
		`{"filters":{"primary_email":{"eq":"HCX.Desk@Other-Regulator.Example"}}}`,
		`{"filters":{"primary_email":{"or":["nobody@x.example"]}}}`,
		`{"filters":{"primary_email":{"neq":"HCX.Desk@Capital-Regulator.Example"}}}`,
	} {
		assert.Empty(t, search(body), body)
	}
}
