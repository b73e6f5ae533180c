package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/onboarding/httpapi"
)

// Staff send an application back; the applicant amends it with a merge
// patch and the engine verifies it again.
func TestSendBackAndAmendOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, tok := f.submit(f.regulator("Regulator Misspelt"))
	path := "/v1/onboarding/applications/" + a.ID

	patch := json.RawMessage(`{"participant_name": "Regulator Spelt Right"}`)
	res := f.do(request{method: http.MethodPatch, path: path, auth: bearer(tok), body: patch})
	require.Equal(t, http.StatusConflict, res.status, "not sent back yet: %s", res.body)

	res = f.do(request{method: http.MethodPost, path: "/v1/onboarding/staff/applications/" + a.ID + "/send-back",
		auth: bearer(staffToken), body: httpapi.ReasonRequest{Reason: "participant_name is misspelt"}})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)

	res = f.do(request{method: http.MethodPatch, path: path, auth: bearer(tok), body: json.RawMessage(`{"Participant_Name": null}`)})
	require.Equal(t, http.StatusBadRequest, res.status, "a name differing by case: %s", res.body)
	res = f.do(request{method: http.MethodPatch, path: path, auth: bearer(tok), body: json.RawMessage(`{"participant_name": null}`)})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, "removing the name: refused with the report: %s", res.body)

	res = f.do(request{method: http.MethodPatch, path: path, body: patch})
	require.Equal(t, http.StatusUnauthorized, res.status, "the applicant's token is needed")
	res = f.do(request{method: http.MethodPatch, path: path, auth: bearer(tok), body: patch})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var v httpapi.Application
	res.decode(t, &v)
	assert.Equal(t, "Regulator Spelt Right", v.Submitted.ParticipantName)
	assert.Equal(t, "Regulator Spelt Right", v.Participant.ParticipantName)
	open := 0
	for _, tk := range v.Tasks {
		if tk.State == "open" {
			open++
			assert.Equal(t, "review", tk.Kind, "a fresh review")
		}
	}
	assert.Equal(t, 1, open)
}
